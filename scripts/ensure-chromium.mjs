// Makes sure a Chromium for the browser tests exists: installs Debian's package when running as
// root, otherwise says exactly what to run. Exits non-zero when none can be had.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];
if (candidates.some((p) => p && existsSync(p))) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.log(
    "No Chromium found: installing Debian's chromium package (apt-get install -y chromium)…",
  );
  try {
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
      { stdio: 'inherit' },
    );
    if (existsSync('/usr/bin/chromium')) process.exit(0);
  } catch {
    // fall through to the message
  }
}
console.error(
  'The browser tests need Chromium and none was found.\n' +
    'On Debian/Ubuntu run:  sudo apt-get update && sudo apt-get install -y chromium\n' +
    'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
);
process.exit(1);
