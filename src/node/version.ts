// The package version, read from package.json next to dist/ (Node: the CLI and the Node API).

import { readFileSync } from 'node:fs';

export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
