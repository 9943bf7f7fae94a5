import { config } from 'zod';

// Imported first by main.tsx, before any schema exists: zod compiles object parsers with `new Function`
// and probes for it at schema construction. Our Content-Security-Policy forbids eval (script-src 'self'),
// and the browser reports even the caught probe as a violation, so the web app validates without JIT.
config({ jitless: true });
