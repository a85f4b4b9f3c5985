// What the browser tests (web/e2e/*.mjs) share: headless Chromium with a watchdog, checks that fail with a
// readable message, the audit of a page at the journey's width and at 1,024 and 375 px (axe-core with no serious or
// critical violation; nothing wider than the screen outside a named, keyboard-reachable scroll region; a button
// showing its words; on a phone, « Menu » opening the navigation) and the report.
// PASSERELLE_CHROMIUM overrides the browser executable (default /usr/bin/chromium).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const STEP_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 120_000;
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The ISO date `days` from the server's today: PASSERELLE_TODAY when the tests started the server's clock at
 * another day (the browser's own clock may say otherwise), else the browser's today.
 */
export function day(days = 0) {
  const d = process.env.PASSERELLE_TODAY ? new Date(`${process.env.PASSERELLE_TODAY}T12:00:00Z`) : new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export class CheckFailed extends Error {}

export function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

export const pathOf = (page) => new URL(page.url()).pathname;

/** Clicks what navigates, and answers the navigation's response. */
export async function click(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Audit reports, page after page and width after width; printed even when a later step fails. */
const audits = [];

/** A phone's screen (iPhone SE), for the journeys that must work on a phone. */
export const PHONE = { width: 375, height: 667 };
/** A small laptop's or a tablet's screen held sideways, where the header still shows its full menu. */
export const NARROW = { width: 1024, height: 800 };
/** The screens every audited page is also checked at, besides the journey's own. */
export const WIDTHS = [NARROW, PHONE];

/**
 * What makes the page unusable at the current width, beside axe-core's findings: the page itself wider than
 * the screen (content wider than the screen must scroll inside a region of its own), a region that scrolls
 * sideways but cannot be reached with the keyboard or has no name, and on a phone a « Menu » that does not
 * open the navigation.
 */
async function layoutProblems(page) {
  const problems = await page.evaluate(() => {
    const found = [];
    const width = window.innerWidth;
    const overflow = document.documentElement.scrollWidth - width;
    const describe = (el) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}`;
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    if (overflow > 1) {
      // The outermost elements wider than the screen outside a scroll region, to say what to fix.
      const over = (el) => el.getBoundingClientRect().right > width + 1;
      const culprits = [...document.body.querySelectorAll('*')]
        .filter((el) => over(el) && !over(el.parentElement) && !el.closest('.fr-header'))
        .filter((el) => {
          for (let up = el.parentElement; up; up = up.parentElement) if (scrolls(up)) return false;
          return true;
        })
        .slice(0, 5)
        .map((el) => `${describe(el)} « ${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)} »`);
      found.push(`the page is ${overflow} px wider than the screen: ${culprits.join(', ') || 'a table\'s caption or a positioned element'}`);
    }
    for (const el of document.body.querySelectorAll('*')) {
      if (!scrolls(el) || el.scrollWidth <= el.clientWidth + 1 || el.closest('.fr-header, .fr-footer')) continue;
      const named = el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby');
      if (el.getAttribute('tabindex') !== '0' || el.getAttribute('role') !== 'region' || !named) {
        found.push(`${describe(el)} scrolls sideways without tabindex="0", role="region" and a name`);
      }
    }
    // A button with an icon shows its words: a DSFR group of buttons without `fr-btns-group--icon-left` hides them.
    for (const el of document.querySelectorAll('main .fr-btn')) {
      if (el.offsetParent !== null && el.textContent.trim() && el.scrollWidth > el.clientWidth + 1) {
        found.push(`the button « ${el.textContent.trim().replace(/\s+/g, ' ')} » shows only part of its words (or only its icon)`);
      }
    }
    return found;
  });
  const viewport = page.viewportSize();
  const menu = page.locator('#menu-button');
  if (viewport.width < 992 && (await menu.count()) === 1) {
    // Both themes fold the header's links and the navigation into « Menu » on small screens.
    const modal = page.locator('#menu-modal');
    try {
      await menu.click({ timeout: 3_000 });
      await modal.waitFor({ state: 'visible', timeout: 3_000 });
      const nav = modal.getByRole('navigation', { name: 'Menu principal' });
      if ((await nav.count()) === 1 && !(await nav.isVisible())) problems.push('« Menu » opens without the navigation');
      await modal.getByRole('button', { name: 'Fermer' }).click({ timeout: 3_000 });
      await modal.waitFor({ state: 'hidden', timeout: 3_000 });
    } catch (e) {
      problems.push(`« Menu » does not open and close the navigation (${e.message.split('\n')[0]})`);
    }
  } else if (viewport.width >= 992) {
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    if ((await nav.count()) === 1 && !(await nav.isVisible())) problems.push('the navigation is not shown');
  }
  return problems;
}

/** Runs axe-core and the layout checks on the page as it is now, and records the report. */
async function auditHere(page, name) {
  // `evaluate` goes through the DevTools protocol, so the page's CSP (no inline script) does not
  // block it, and the test does not need to weaken that policy.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  const minor = results.violations.filter((v) => !BLOCKING_IMPACTS.has(v.impact));
  const layout = await layoutProblems(page);
  const status = blocking.length === 0 && layout.length === 0 ? 'ok  ' : 'FAIL';
  let summary = `${status} ${name.padEnd(16)} ${pathOf(page).padEnd(48)} axe: ${blocking.length} serious/critical`;
  if (minor.length > 0) {
    summary += `, ${minor.length} minor/moderate (${minor.map((v) => `${v.id}:${v.impact}`).join(', ')})`;
  }
  if (layout.length > 0) summary += `; layout: ${layout.length}`;
  audits.push({ name, path: pathOf(page), summary, blocking, layout });
  console.log(summary);
}

/**
 * Audits the page at the journey's width, then at each of `widths` (WIDTHS unless told) it is not already at (the same page, resized:
 * its state after a POST or a script is kept), then gives the page back its width.
 */
/**
 * Words of the makers that must never reach a reader (the same list as the HTTP crawler's): the texts' working
 * names, ticket numbers, API addresses, what a program prints for an absent value.
 */
export function internalWords(text) {
  const lower = text.toLowerCase();
  const found = ['seed', '/api/v1', 'todo', 'fixme'].filter((w) => lower.includes(w));
  if (/\bissue \d/.test(lower)) found.push('issue N');
  for (const w of text.split(/[^\p{L}\p{N}(]+/u)) {
    if (['None', 'Some(', 'null', 'undefined', 'NaN'].includes(w)) found.push(w);
  }
  return found;
}

export async function auditPage(page, name, widths = WIDTHS) {
  const words = internalWords(await page.locator('body').innerText());
  check(words.length === 0, `${pathOf(page)} (${name}) shows internal words: ${words.join(', ')}`);
  const own = page.viewportSize();
  await auditHere(page, `${name} ${own.width}`);
  for (const viewport of widths.filter((w) => w.width !== own.width)) {
    await page.setViewportSize(viewport);
    await auditHere(page, `${name} ${viewport.width}`);
  }
  await page.setViewportSize(own);
}

const failed = (report) => report.blocking.length > 0 || report.layout.length > 0;

function formatViolations(report) {
  const lines = [`Problems on the ${report.name} page (${report.path}):`];
  for (const problem of report.layout) lines.push(`  - ${problem}`);
  for (const v of report.blocking) {
    lines.push(`  - ${v.id} [${v.impact}] ${v.help}`);
    lines.push(`    ${v.helpUrl}`);
    for (const node of v.nodes) {
      lines.push(`    • ${node.target.join(' ')}`);
      const why = (node.failureSummary ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
      for (const l of why) lines.push(`        ${l}`);
    }
  }
  return lines.join('\n');
}

/**
 * The main menu's link named `name` (with its count of unread items, if any), its sub-menu opened first when it sits in one (« Personnes »,
 * « Partenariats »); on a phone, open the header's « Menu » before.
 */
export async function menuLink(page, name) {
  const nav = page.getByRole('navigation', { name: 'Menu principal' });
  const named = () => page.locator('a.fr-nav__link').filter({ hasText: new RegExp(`^\\s*${name}(\\s+\\d+\\s+(non lues|à traiter))?\\s*$`) });
  const link = nav.locator(named()).first();
  if (!(await link.isVisible())) {
    await nav.locator('li.fr-nav__item').filter({ has: named() }).locator('button.fr-nav__btn').click();
  }
  return link;
}

/**
 * A French page (desktop unless another `viewport` is given) whose uncaught errors and console errors (except
 * those `expected` accepts) are collected in `pageErrors`, for a check at the end of the journey.
 */
export async function openPage(browser, expected = () => false, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport, isMobile: viewport.width < 600 });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`${pathOf(page)}: uncaught error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m.text())) pageErrors.push(`${pathOf(page)}: console error: ${m.text()}`);
  });
  return { context, page, pageErrors };
}

/**
 * Waits until the theme's JavaScript (the DSFR's, or the neutral theme's web/static/neutral.js) marks the root
 * element: its assets are served and allowed by the CSP.
 */
export async function themeStarted(page) {
  const started = () => ['data-fr-js', 'data-passerelle-js'].some((a) => document.documentElement.hasAttribute(a));
  await page.waitForFunction(started, null, { timeout: 5_000 }).catch(() => {
    throw new CheckFailed(`${pathOf(page)}: the theme's JavaScript did not start`);
  });
}

/**
 * Runs `run(browser)` in headless Chromium within the overall time limit, then exits: 0 when every check
 * passed and no page had a serious or critical accessibility violation, 1 otherwise with a readable report.
 */
/** Checks the page is `expectedPath`, answered without error, with a matching main heading and the theme started. */
export async function expectPage(page, response, expectedPath, heading) {
  check(response === null || response.ok(), `${expectedPath}: HTTP ${response?.status()} on ${page.url()}`);
  check(pathOf(page) === expectedPath, `expected to be on ${expectedPath}, but the browser is on ${page.url()}`);
  const h1 = (await page.locator('main h1').first().textContent({ timeout: STEP_TIMEOUT_MS }))?.trim() ?? '';
  check(heading.test(h1), `${expectedPath}: unexpected main heading « ${h1} »`);
  await themeStarted(page);
}

/** Logs in through the form of the login page the browser is on; returns the navigation's response. */
export async function logIn(page, email, password) {
  const form = page.locator('form[action="/connexion"]');
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    form.getByRole('button', { name: 'Se connecter', exact: true }).click(),
  ]);
  const alert = page.locator('main .fr-alert');
  if (await alert.count()) {
    throw new CheckFailed(`login refused: ${(await alert.first().innerText()).replace(/\s+/g, ' ')}`);
  }
  return response;
}

export async function runJourney(label, run) {
  const watchdog = setTimeout(() => {
    console.error(`FAIL the browser test did not finish within ${OVERALL_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  let browser;
  let exitCode = 0;
  try {
    browser = await chromium.launch({
      executablePath: process.env.PASSERELLE_CHROMIUM || '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    await run(browser);
    const failing = audits.filter(failed);
    if (failing.length > 0) {
      console.error(failing.map(formatViolations).join('\n\n'));
      const count = failing.reduce((n, a) => n + a.blocking.length, 0);
      const layout = failing.reduce((n, a) => n + a.layout.length, 0);
      console.error(`FAIL ${count} serious or critical accessibility violation(s), ${layout} layout problem(s)`);
      exitCode = 1;
    } else {
      console.log(`PASS ${label}: ${audits.length} pages and widths audited, no serious or critical violation, nothing wider than the screen`);
    }
  } catch (e) {
    console.error(e instanceof CheckFailed ? `FAIL ${e.message}` : `FAIL ${e.stack ?? e}`);
    const failing = audits.filter(failed);
    if (failing.length > 0) console.error(failing.map(formatViolations).join('\n\n'));
    exitCode = 1;
  } finally {
    await browser?.close().catch(() => {});
    clearTimeout(watchdog);
  }
  process.exit(exitCode);
}
