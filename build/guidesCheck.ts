/** A Vite plugin: the build fails when a guide file does not match the guide schema. */
import type { Plugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateGuide } from '../src/domain/guides';

export function checkGuideFiles(dir = resolve(process.cwd(), 'src/features/guides/content')): string[] {
  const errors: string[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  for (const f of files) {
    const r = validateGuide(JSON.parse(readFileSync(resolve(dir, f), 'utf8')));
    if (!r.ok) errors.push(`${f}: ${r.errors.join('; ')}`);
    else if (`${r.guide.slug}.json` !== f) errors.push(`${f}: the file name must be the slug (${r.guide.slug}.json)`);
  }
  return errors;
}

export function guidesCheckPlugin(): Plugin {
  return {
    name: 'cds-guides-check',
    buildStart() {
      const errors = checkGuideFiles();
      if (errors.length) this.error(`invalid guide files:\n${errors.join('\n')}`);
    },
  };
}
