// What the browser tests (web/e2e/*.mjs) share: headless Chromium with a watchdog, checks that fail with a
// readable message, the axe-core audit of a page (no serious or critical violation allowed) and the report.
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

/** Audit reports, page after page; printed even when a later step fails. */
const audits = [];

/** Runs axe-core on the page and records the report. */
export async function auditPage(page, name) {
  // `evaluate` goes through the DevTools protocol, so the page's CSP (no inline script) does not
  // block it, and the test does not need to weaken that policy.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  const minor = results.violations.filter((v) => !BLOCKING_IMPACTS.has(v.impact));
  const status = blocking.length === 0 ? 'ok  ' : 'FAIL';
  let summary = `${status} ${name.padEnd(12)} ${pathOf(page).padEnd(48)} axe: ${blocking.length} serious/critical`;
  if (minor.length > 0) {
    summary += `, ${minor.length} minor/moderate (${minor.map((v) => `${v.id}:${v.impact}`).join(', ')})`;
  }
  audits.push({ name, path: pathOf(page), summary, blocking });
  console.log(summary);
}

function formatViolations(report) {
  const lines = [`Accessibility violations on the ${report.name} page (${report.path}):`];
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
  const named = () => page.locator('a.fr-nav__link').filter({ hasText: new RegExp(`^\\s*${name}(\\s+\\d+\\s+non lues)?\\s*$`) });
  const link = nav.locator(named()).first();
  if (!(await link.isVisible())) {
    await nav.locator('li.fr-nav__item').filter({ has: named() }).locator('button.fr-nav__btn').click();
  }
  return link;
}

/** A phone's screen (iPhone SE), for the journeys that must work on a phone. */
export const PHONE = { width: 375, height: 667 };

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

/** Waits until the DSFR's JavaScript marks the root element: its assets are served and allowed by the CSP. */
export async function dsfrStarted(page) {
  await page
    .waitForFunction(() => document.documentElement.hasAttribute('data-fr-js'), null, { timeout: 5_000 })
    .catch(() => {
      throw new CheckFailed(`${pathOf(page)}: the DSFR's JavaScript did not start`);
    });
}

/**
 * Runs `run(browser)` in headless Chromium within the overall time limit, then exits: 0 when every check
 * passed and no page had a serious or critical accessibility violation, 1 otherwise with a readable report.
 */
/** Checks the page is `expectedPath`, answered without error, with a matching main heading and the DSFR started. */
export async function expectPage(page, response, expectedPath, heading) {
  check(response === null || response.ok(), `${expectedPath}: HTTP ${response?.status()} on ${page.url()}`);
  check(pathOf(page) === expectedPath, `expected to be on ${expectedPath}, but the browser is on ${page.url()}`);
  const h1 = (await page.locator('main h1').first().textContent({ timeout: STEP_TIMEOUT_MS }))?.trim() ?? '';
  check(heading.test(h1), `${expectedPath}: unexpected main heading « ${h1} »`);
  await dsfrStarted(page);
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
    const failing = audits.filter((a) => a.blocking.length > 0);
    if (failing.length > 0) {
      console.error(failing.map(formatViolations).join('\n\n'));
      const count = failing.reduce((n, a) => n + a.blocking.length, 0);
      console.error(`FAIL ${count} serious or critical accessibility violation(s)`);
      exitCode = 1;
    } else {
      console.log(`PASS ${label}: ${audits.length} pages audited, no serious or critical violation`);
    }
  } catch (e) {
    console.error(e instanceof CheckFailed ? `FAIL ${e.message}` : `FAIL ${e.stack ?? e}`);
    const failing = audits.filter((a) => a.blocking.length > 0);
    if (failing.length > 0) console.error(failing.map(formatViolations).join('\n\n'));
    exitCode = 1;
  } finally {
    await browser?.close().catch(() => {});
    clearTimeout(watchdog);
  }
  process.exit(exitCode);
}
