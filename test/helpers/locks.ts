import fs from 'node:fs';

/** How many POSIX locks `/proc/locks` shows process `pid` holding on `file` (Linux). */
export function locksHeldOn(file: string, pid: number): number {
  const { ino } = fs.statSync(file);
  // Lines look like: "1: POSIX  ADVISORY  READ  1234 08:01:5678 1073741826 1073741826"
  return fs
    .readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === 'POSIX' && Number(f[4]) === pid && Number(f[5]?.split(':')[2]) === ino).length;
}
