import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layering rules of issue 10 (STORE-DESIGN "Layers and imports"), checked on source text:
 * 1. a domain file (anything under src/ outside `storage/` and the composition points) never imports from
 *    `storage/` — not even a type: domains own their repository interfaces;
 * 2. no runtime import cycle runs through `storage/` and a domain;
 * 3. only the composition points hold the whole store: `app.ts`, the command-line entry points (`cli/`)
 *    and test support (`testing/`) may import `Store`, an engine or `createStore`;
 * 4. `storage/createStore.ts` loads the Firestore engine only on demand (no static import of `firestore/`).
 * Test and contract files are exempt from 1 and 3 (they build stores on purpose).
 */

/** Files that compose the application and so may see the whole store (paths relative to src/). */
const COMPOSITION = [/^app\.ts$/, /^main\.ts$/, /^config\.ts$/, /^cli\//, /^testing\//];
const isTest = (f: string) => /\.(test|contract)\.ts$/.test(f) || f.startsWith('storage/contracts/');
const inStorage = (f: string) => f.startsWith('storage/');
const isComposition = (f: string) => COMPOSITION.some((re) => re.test(f));

interface ImportEdge {
  /** Resolved path relative to src/ (".js" specifiers mapped to ".ts"). */
  target: string;
  /** Every imported name is a type (erased at run time). */
  typeOnly: boolean;
  dynamic: boolean;
  names: string[];
}

/** The relative imports of one file. */
export function importsOf(file: string, source: string): ImportEdge[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const resolve = (spec: string) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text.startsWith('.')
    ) {
      let typeOnly = false;
      const names: string[] = [];
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const bindings = clause?.namedBindings;
        if (clause?.name) names.push(clause.name.text);
        if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
        if (bindings && ts.isNamespaceImport(bindings)) names.push(`* as ${bindings.name.text}`);
        typeOnly =
          !!clause &&
          (clause.isTypeOnly ||
            (!clause.name &&
              !!bindings &&
              ts.isNamedImports(bindings) &&
              bindings.elements.length > 0 &&
              bindings.elements.every((e) => e.isTypeOnly)));
      } else {
        const clause = node.exportClause;
        if (clause && ts.isNamedExports(clause)) names.push(...clause.elements.map((e) => e.name.text));
        typeOnly =
          node.isTypeOnly ||
          (!!clause &&
            ts.isNamedExports(clause) &&
            clause.elements.length > 0 &&
            clause.elements.every((e) => e.isTypeOnly));
      }
      edges.push({ target: resolve(node.moduleSpecifier.text), typeOnly, dynamic: false, names });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0]) &&
      node.arguments[0].text.startsWith('.')
    ) {
      edges.push({ target: resolve(node.arguments[0].text), typeOnly: false, dynamic: true, names: [] });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** Every violation of the rules above in `files` (path relative to src/ → source), as readable lines. */
export function importViolations(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const graph = new Map<string, ImportEdge[]>();
  for (const [file, source] of files) graph.set(file, importsOf(file, source));

  for (const [file, edges] of graph) {
    for (const e of edges) {
      const fromDomain = !inStorage(file) && !isComposition(file) && !isTest(file);
      if (fromDomain && inStorage(e.target)) {
        problems.push(
          `${file} imports ${e.target}: a domain never imports storage/ (move the type into the domain)`,
        );
      }
      const wholeStore =
        (e.target === 'storage/store.ts' && e.names.includes('Store')) ||
        e.target === 'storage/createStore.ts' ||
        /^storage\/(sqlite|firestore)\//.test(e.target);
      if (wholeStore && !inStorage(file) && !isComposition(file) && !isTest(file)) {
        problems.push(`${file} imports the whole store (${e.target}): only app.ts, cli/ and testing/ may`);
      }
      if (file === 'storage/createStore.ts' && !e.dynamic && e.target.startsWith('storage/firestore/')) {
        problems.push(`${file} imports ${e.target} statically: load the Firestore engine with import() only`);
      }
    }
  }

  // Runtime cycles (type-only and dynamic imports are erased or lazy) that touch storage/ and a domain.
  const runtime = (f: string) =>
    (graph.get(f) ?? []).filter((e) => !e.typeOnly && !e.dynamic && graph.has(e.target)).map((e) => e.target);
  const reported = new Set<string>();
  for (const start of graph.keys()) {
    if (!inStorage(start) || isTest(start)) continue;
    // Depth-first search for a path back to `start`.
    const stack: Array<{ node: string; path: string[] }> = [{ node: start, path: [start] }];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const { node, path: trail } = stack.pop()!;
      for (const next of runtime(node)) {
        if (next === start) {
          const cycle = [...trail, start];
          const key = [...new Set(trail)].sort().join('|');
          if (cycle.some((f) => !inStorage(f)) && !reported.has(key)) {
            reported.add(key);
            problems.push(`import cycle between storage/ and a domain: ${cycle.join(' -> ')}`);
          }
        } else if (!seen.has(next)) {
          seen.add(next);
          stack.push({ node: next, path: [...trail, next] });
        }
      }
    }
  }
  return problems;
}

/** The server's TypeScript sources (src/**, relative paths → text). */
export function readServerSources(srcDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        out.set(path.relative(srcDir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(srcDir);
  return out;
}
