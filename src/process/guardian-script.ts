/**
 * The guardian: a POSIX sh loop (dash: ~1 MB RSS) reading lines from a pipe whose only writer is the
 * parent. `+<pgid>` registers a process group, `-<pgid>` forgets it. EOF means the parent is gone
 * (exit, crash, SIGKILL, OOM kill): every registered group is SIGKILLed, then every process whose
 * environment carries this parent's marker (descendants that left their group with setsid), until a
 * scan finds none. Terminal and termination signals are ignored so the guardian outlives the parent.
 */
export const GUARDIAN_SCRIPT = `
trap '' INT HUP TERM QUIT PIPE
marker="LASTCALL_TREE=$1."
groups=
while IFS= read -r line; do
  case $line in
    +*) groups="$groups \${line#+}" ;;
    -*) gone=\${line#-}; kept=; for g in $groups; do [ "$g" = "$gone" ] || kept="$kept $g"; done; groups=$kept ;;
  esac
done
for g in $groups; do kill -STOP -- "-$g" 2>/dev/null; kill -KILL -- "-$g" 2>/dev/null; done
n=0
while [ $n -lt 20 ]; do
  found=
  for f in $(grep -laF "$marker" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; p=\${p%/environ}
    [ "$p" = "$$" ] && continue
    kill -STOP "$p" 2>/dev/null && found="$found $p"
  done
  [ -z "$found" ] && break
  kill -KILL $found 2>/dev/null
  n=$((n + 1))
done
`;
