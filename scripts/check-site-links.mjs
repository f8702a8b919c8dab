#!/usr/bin/env node
// Fails on a dead link in the generated API site (default docs/api): every
// relative href/src must name a file of the site and, with a #fragment, an id
// on that page; an absolute link must be a web address, not a file name that
// a bare `[x](FILE.md)` turned into `http://FILE.md`.
//
//   node scripts/check-site-links.mjs [site-folder]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { URL } from 'node:url';

const site = resolve(process.argv[2] ?? 'docs/api');
if (!existsSync(join(site, 'index.html'))) {
  console.error(`check-site-links: no site in ${site} (build it with npm run docs)`);
  process.exit(1);
}

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return name.endsWith('.html') ? [path] : [];
  });
}

const pages = new Map(htmlFiles(site).map((f) => [f, readFileSync(f, 'utf8')]));
const idsOf = new Map();
function ids(page) {
  if (!idsOf.has(page)) {
    const found = new Set();
    for (const m of pages.get(page).matchAll(/\s(?:id|name)="([^"]+)"/g)) found.add(m[1]);
    idsOf.set(page, found);
  }
  return idsOf.get(page);
}

// A file-like last label (FILE.md, x.ts) as the host means a relative link went wrong.
const FILE_AS_HOST = /\.(md|ts|js|mjs|json|html?)$/i;
const dead = [];
let checked = 0;
for (const [page, html] of pages) {
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    const link = m[1].replaceAll('&amp;', '&');
    const where = `${relative(site, page)} → ${link}`;
    checked++;
    if (/^(mailto|data|javascript):/.test(link)) continue;
    if (/^(https?:)?\/\//.test(link)) {
      let host;
      try {
        host = new URL(link, 'https://x.invalid').hostname;
      } catch {
        dead.push(`${where} (not a valid URL)`);
        continue;
      }
      if (!host.includes('.') || FILE_AS_HOST.test(host)) dead.push(`${where} (not a web host)`);
      continue;
    }
    if (/^[a-z]+:/i.test(link)) {
      dead.push(`${where} (unexpected scheme)`);
      continue;
    }
    const [pathPart, fragment] = link.split('#', 2);
    const target =
      pathPart === '' ? page : resolve(dirname(page), decodeURI(pathPart.split('?')[0]));
    if (!target.startsWith(site) || !existsSync(target)) {
      dead.push(`${where} (no such file)`);
      continue;
    }
    if (fragment && pages.has(target) && !ids(target).has(decodeURIComponent(fragment))) {
      dead.push(`${where} (no #${fragment} on that page)`);
    }
  }
}
if (dead.length > 0) {
  console.error(`check-site-links: ${dead.length} dead link(s) in ${relative('.', site)}:`);
  for (const d of dead) console.error(`  ${d}`);
  process.exit(1);
}
console.log(`check-site-links: ${checked} links in ${pages.size} pages, none dead`);
