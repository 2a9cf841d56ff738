// Entry point of the rnnlm command (bin/rnnlm.js imports this file and nothing else).

import { hideBin } from 'yargs/helpers';
import { main } from './cli.js';

await main(hideBin(process.argv));
