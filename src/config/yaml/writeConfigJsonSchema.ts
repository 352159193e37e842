/** `npm run schema`: writes config/vigil-config.schema.json from the model's keyword tables. */
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from './configJsonSchema.js';

const target = process.argv[2] ?? 'config/vigil-config.schema.json';
writeFileSync(target, JSON.stringify(configJsonSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${target}\n`);
