/**
 * The guardian: a POSIX sh loop (dash: ~1 MB RSS) reading lines from a pipe whose only writer is the
 * parent. `+<pgid>:<start time>:<witness pid>` registers (or re-registers) a process group, identified
 * by a process in it (its leader, or after the leader's exit a member) and that process's start time;
 * `-<pgid>` forgets it. EOF means the parent is gone (exit, crash, SIGKILL, OOM kill). Then, in rounds
 * until two in a row find nothing new, it freezes (SIGSTOP) what is provably ours: each registered group
 * whose witness still has its start time and is still in it (a reused pgid is a stranger's), every
 * process carrying this parent's exact environment marker (whole NUL-separated entry), every member of
 * a registered group one of those sits in, and every descendant of all these by parent links. Then it
 * SIGKILLs the verified groups and each found process whose start time is unchanged. Only the POSIX
 * `kill -s SIG -- -pgid` form is used (dash rejects `kill -KILL -- -pgid`). Terminal and termination
 * signals are ignored so the guardian outlives the parent.
 */
export const GUARDIAN_SCRIPT = `
trap '' INT HUP TERM QUIT PIPE
pattern="LASTCALL_TREE=$1\\.[0-9][0-9]*"
self=$$
blank=$IFS
groups=
start_of() {
  st=
  sg=
  if [ -r /proc/self/stat ]; then
    read -r s < "/proc/$1/stat" || return 0
    set -- \${s##*) }
    [ $# -ge 20 ] || return 0
    sg=$3
    shift 19
    st=$1
  else
    set -- $(ps -o pgid=,lstart= -p "$1")
    [ $# -ge 2 ] || return 0
    sg=$1
    shift
    for w; do st="$st$w"; done
  fi
}
group_ok() {
  g=\${1%%:*}
  r=\${1#*:}
  start_of "\${r#*:}" 2>/dev/null
  [ -n "$st" ] && [ "$st" = "\${r%%:*}" ] && [ "$sg" = "$g" ]
}
while IFS= read -r line; do
  case $line in
    +*) e=\${line#+}; kept=; for x in $groups; do [ "\${x%%:*}" = "\${e%%:*}" ] || kept="$kept $x"; done; groups="$kept $e" ;;
    -*) gone=\${line#-}; kept=; for e in $groups; do [ "\${e%%:*}" = "$gone" ] || kept="$kept $e"; done; groups=$kept ;;
  esac
done
ok=
ours=' '
n=0
quiet=0
while [ $n -lt 20 ]; do
  n=$((n + 1))
  for e in $groups; do
    case " $ok " in *" \${e%%:*} "*) continue ;; esac
    group_ok "$e" && ok="$ok $g"
  done
  for g in $ok; do kill -s STOP -- "-$g" 2>/dev/null; done
  marked=' '
  for f in $(grep -lzxE "$pattern" /proc/[0-9]*/environ 2>/dev/null); do p=\${f#/proc/}; marked="$marked\${p%/environ} "; done
  new=
  # One grep reads every stat file (dash's read builtin would take a syscall per byte); the pid comes
  # from the file name, never from the text (a command name may hold ') ', ':' or a newline).
  stats=$(grep -H '' /proc/[0-9]*/stat 2>/dev/null)
  set -f
  IFS='
'
  for line in $stats; do
    IFS=$blank
    p=\${line%%:*}
    p=\${p#/proc/}
    p=\${p%/stat}
    case $p in ''|*[!0-9]*|1|$self) continue ;; esac
    case $ours in *" $p:"*) continue ;; esac
    s=\${line#*:}
    set -- \${s##*) }
    [ $# -ge 20 ] && [ "$1" != Z ] || continue
    pp=$2
    pg=$3
    shift 19
    case " $ok " in
      *" $pg "*) ;;
      *) case "$ours" in *" $pp:"*) ;; *) case $marked in *" $p "*) ;; *) continue ;; esac ;; esac ;;
    esac
    case " $groups " in *" $pg:"*) case " $ok " in *" $pg "*) ;; *) ok="$ok $pg" ;; esac ;; esac
    kill -s STOP "$p" 2>/dev/null
    ours="$ours$p:$1 "
    new=1
  done
  IFS=$blank
  set +f
  # Done after three rounds in a row found nothing new, 50 ms apart: a process in mid-execve shows no
  # environment, and a child the parent was forking when it died shows its marker only once it has
  # exec'd (up to tens of ms later on a loaded machine).
  if [ -n "$new" ]; then quiet=0; else quiet=$((quiet + 1)); fi
  [ $quiet -ge 3 ] && break
  [ -n "$new" ] || sleep 0.05 2>/dev/null || sleep 1
done
for e in $groups; do
  case " $ok " in *" \${e%%:*} "*) ;; *) continue ;; esac
  group_ok "$e" && kill -s KILL -- "-$g" 2>/dev/null
done
for e in $ours; do
  start_of "\${e%%:*}" 2>/dev/null
  [ -n "$st" ] && [ "$st" = "\${e#*:}" ] && kill -s KILL "\${e%%:*}" 2>/dev/null
done
`;
