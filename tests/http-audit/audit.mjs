// Runs graphql-http's GraphQL-over-HTTP server audit against a running graphsvc.
//
//   node audit.mjs [URL] [TOKEN]     (or GRAPHSVC_URL / GRAPHSVC_TOKEN in the environment)
//
// URL is the /graphql endpoint. Every /graphql request needs a bearer token (without one the
// server answers 401 before looking at anything else), so each audit request gets one added.
// Prints one JSON line per audit: {"id", "name", "status": "ok"|"notice"|"warn"|"error", "reason"}.
// Exit status: 0 when every audit is ok, 1 when any is not, 2 when the audit could not run.
import { auditServer } from 'graphql-http';

const url = process.argv[2] || process.env.GRAPHSVC_URL;
const token = process.argv[3] || process.env.GRAPHSVC_TOKEN;
if (!url || !token) {
  console.error('usage: node audit.mjs URL TOKEN  (or set GRAPHSVC_URL and GRAPHSVC_TOKEN)');
  process.exit(2);
}

// The audit passes headers as a plain object, or no init at all (e.g. its plain GET);
// new Headers() accepts an object, a Headers instance, an array of pairs or undefined alike.
function fetchWithToken(input, init) {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

try {
  const results = await auditServer({ url, fetchFn: fetchWithToken });
  let failed = 0;
  for (const { id, name, status, reason } of results) {
    if (status !== 'ok') failed += 1;
    console.log(JSON.stringify({ id, name, status, reason: reason ?? null }));
  }
  process.exit(failed ? 1 : 0);
} catch (err) {
  // auditServer throws only on fatal problems (e.g. the server is unreachable).
  console.error(`audit could not run: ${err?.stack || err}`);
  process.exit(2);
}
