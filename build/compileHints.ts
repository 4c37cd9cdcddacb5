import type { Plugin } from 'vite';
import type { OutputChunk } from 'rolldown';
import { resolve } from 'node:path';

/** V8's explicit compile hint for a whole file (Chromium ≥ 136); it must open the file. */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

type ChunkLinks = Pick<OutputChunk, 'fileName' | 'isEntry' | 'facadeModuleId' | 'imports'>;

/**
 * The chunks that run before the first paint: the entry and the entry screens' own chunks, each
 * with everything it imports statically. `entryScreens` are absolute source paths.
 */
export function firstPaintChunks(chunks: ChunkLinks[], entryScreens: string[]): Set<string> {
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const screens = new Set(entryScreens);
  const isScreen = (c: ChunkLinks) => c.facadeModuleId !== null && screens.has(c.facadeModuleId);
  const marked = new Set<string>();
  const visit = (c: ChunkLinks | undefined) => {
    if (!c || marked.has(c.fileName)) return;
    marked.add(c.fileName);
    c.imports.forEach((f) => visit(byFile.get(f)));
  };
  chunks.filter((c) => c.isEntry || isScreen(c)).forEach(visit);
  return marked;
}

/**
 * Marks the code that runs before the first paint for eager compilation. V8 otherwise only
 * pre-parses a function and compiles it on the main thread when it is first called: during the
 * mount, that is most of the long task before the first paint on a cold load (every first visit,
 * and every load after an update). A marked file is compiled while it streams in, on a background
 * thread. Code loaded later (the data layer, forms, reports) stays lazy: most of it does not run
 * at once, and compiling it all would only cost memory.
 *
 * `entryScreens` are source paths from the project's root.
 */
export function compileHintsPlugin(entryScreens: string[]): Plugin {
  let root = process.cwd();
  return {
    name: 'cds:compile-hints',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      root = config.root;
    },
    generateBundle: {
      // After minification (which drops comments) and after Vite puts its preload map at the top
      // of the chunks that import dynamically. The names keep their hashes: the hint is the same
      // for every build of the same code.
      order: 'post',
      handler(_options, bundle) {
        const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
        const marked = firstPaintChunks(
          chunks,
          entryScreens.map((s) => resolve(root, s)),
        );
        for (const c of chunks) {
          if (marked.has(c.fileName) && !c.code.startsWith(COMPILE_HINT)) c.code = COMPILE_HINT + c.code;
        }
      },
    },
  };
}
