// A cache of signed-up people for the one-node socket benchmarks: signing up 1,000 people takes ~8 minutes
// (scrypt, mail), the measured part about one. With PEOPLE_CACHE=<dir>, the first run keeps a copy of the
// server's database right after the sign-ups (SQLite's online backup) and the people's session cookies; later
// runs with the same MEMBERS start the server on a fresh copy of that database and reuse the cookies. Every
// run still starts a new server process with nothing loaded in memory. SQLite only (one node).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from './people.mjs';

const DB = 'tsudoi.sqlite';

/** The cached workspace and people for `members`, or undefined (none yet, or made for another size). */
export function cachedPeople(dir, members) {
  const file = path.join(dir, `people-${members}.json`);
  if (!fs.existsSync(file) || !fs.existsSync(path.join(dir, `${members}-${DB}`))) return undefined;
  return { ...JSON.parse(fs.readFileSync(file, 'utf8')), database: path.join(dir, `${members}-${DB}`) };
}

/** The cached people as clients of the server at `url`. */
export function restorePeople(cached, url) {
  const people = cached.people.map((p) => {
    const c = new Client(url);
    for (const [k, v] of p.cookies) c.cookies.set(k, v);
    return { c, email: p.email, userId: p.userId };
  });
  return { ws: cached.ws, people };
}

/** Keeps the database of the server using `dataDir` and the people's cookies for the next runs. */
export async function savePeople(dir, members, dataDir, { ws, people }) {
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dataDir, DB), { readonly: true, fileMustExist: true });
  try {
    await db.backup(path.join(dir, `${members}-${DB}`));
  } finally {
    db.close();
  }
  const saved = people.map((p) => ({ email: p.email, userId: p.userId, cookies: [...p.c.cookies] }));
  fs.writeFileSync(path.join(dir, `people-${members}.json`), JSON.stringify({ ws, people: saved }));
}

/** Puts a copy of the cached database into a new server's empty DATA_DIR. */
export function seedDataDir(database, dataDir) {
  fs.copyFileSync(database, path.join(dataDir, DB));
}
