// Optional Debian packages that some tests need (chromium, nginx, redis-server, postgresql). A missing
// one skips the test with the package to install; under CI=true, where .ci/run installs them, a
// missing one is a failure. LASTCALL_TEST_WITHOUT=chromium,nginx makes installed packages count as
// missing, so the skip path itself is tested on a machine that has them.
import { existsSync } from 'node:fs';

const hidden = new Set((process.env.LASTCALL_TEST_WITHOUT ?? '').split(',').filter(Boolean));

/** Why a test needing `binary` (from Debian package `pkg`) cannot run here, or undefined. Throws under CI. */
export function missingPackage(binary, pkg) {
  if (binary && existsSync(binary) && !hidden.has(pkg)) return undefined;
  const why = `needs ${pkg} (apt-get install -y ${pkg})`;
  if (process.env.CI) throw new Error(`CI must install ${pkg}: ${why}`);
  return why;
}
