#!/usr/bin/env node
// Marks dist/cjs of the package in the current directory as CommonJS, so Node,
// jest and TypeScript read the .js and .d.ts files that `tsc -p
// tsconfig.cjs.json` wrote there as CJS (the package itself is "type": "module").
// Run by each package's prepack, after both builds.
import { writeFileSync } from 'node:fs';

writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
