/**
 * A Vite plugin: the build fails when a guide file does not match the guide schema, or (when the
 * domain reference sits beside the repository, as in CI) cites a section it does not have or an
 * unverified one without a caveat.
 */
import type { Plugin } from 'vite';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateGuide } from '../src/domain/guides';
import { citationErrors, parseReferenceSections } from '../src/domain/guideRefs';

export const REFERENCE_PATH = resolve(process.cwd(), '../shared/domain/reference.md');

export function checkGuideFiles(dir = resolve(process.cwd(), 'src/features/guides/content'), referencePath = REFERENCE_PATH): string[] {
  const errors: string[] = [];
  const sections = existsSync(referencePath) ? parseReferenceSections(readFileSync(referencePath, 'utf8')) : undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  for (const f of files) {
    const r = validateGuide(JSON.parse(readFileSync(resolve(dir, f), 'utf8')));
    if (!r.ok) errors.push(`${f}: ${r.errors.join('; ')}`);
    else if (`${r.guide.slug}.json` !== f) errors.push(`${f}: the file name must be the slug (${r.guide.slug}.json)`);
    else if (sections) errors.push(...citationErrors(r.guide, sections).map((e) => `${f}: ${e}`));
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
