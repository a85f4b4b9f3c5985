// Shared pieces of the browser tests: Chromium launch, axe-core audits, page checks, login.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const BLOCKING_IMPACTS = new Set(['serious', 'critical']);
export const STEP_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 120_000;

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

export class CheckFailed extends Error {}

export function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

export const pathOf = (page) => new URL(page.url()).pathname;

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Audit reports, page after page; printed even when a later step fails. */
export const audits = [];

/** Runs axe-core on the page and records the report. */
export async function auditPage(page, name) {
  // `evaluate` goes through the DevTools protocol, so the page's CSP (no inline script) does not
  // block it, and the test does not need to weaken that policy.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  const minor = results.violations.filter((v) => !BLOCKING_IMPACTS.has(v.impact));
  const status = blocking.length === 0 ? 'ok  ' : 'FAIL';
  let summary = `${status} ${name.padEnd(12)} ${pathOf(page).padEnd(48)} axe: ${blocking.length} serious/critical`;
  if (minor.length > 0) {
    summary += `, ${minor.length} minor/moderate (${minor.map((v) => `${v.id}:${v.impact}`).join(', ')})`;
  }
  const report = { name, path: pathOf(page), summary, blocking };
  audits.push(report);
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

/** Checks the page is `expectedPath` with a matching main heading and that the DSFR's JavaScript started. */
export async function expectPage(page, response, expectedPath, heading) {
  check(response === null || response.ok(), `${expectedPath}: HTTP ${response?.status()} on ${page.url()}`);
  check(pathOf(page) === expectedPath, `expected to be on ${expectedPath}, but the browser is on ${page.url()}`);
  const h1 = (await page.locator('main h1').first().textContent({ timeout: STEP_TIMEOUT_MS }))?.trim() ?? '';
  check(heading.test(h1), `${expectedPath}: unexpected main heading « ${h1} »`);
  // The DSFR's JavaScript marks the root element once it has started: its assets are served and
  // allowed by the CSP.
  await page
    .waitForFunction(() => document.documentElement.hasAttribute('data-fr-js'), null, { timeout: 5_000 })
    .catch(() => {
      throw new CheckFailed(`${expectedPath}: the DSFR's JavaScript did not start`);
    });
}

/** Logs in through the form on `/connexion`; returns the navigation response. */
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

/** A page whose browser errors are collected in `errors`. */
export async function newPage(browser, errors) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${pathOf(page)}: uncaught error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${pathOf(page)}: console error: ${m.text()}`);
  });
  return { context, page };
}

/** Runs `journey(browser)` in headless Chromium with a watchdog; exits 0 when it passes with no
 *  serious or critical accessibility violation, 1 otherwise. */
export async function runJourney(name, journey) {
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
    await journey(browser);
    const failing = audits.filter((a) => a.blocking.length > 0);
    if (failing.length > 0) {
      console.error(failing.map(formatViolations).join('\n\n'));
      const count = failing.reduce((n, a) => n + a.blocking.length, 0);
      console.error(`FAIL ${count} serious or critical accessibility violation(s)`);
      exitCode = 1;
    } else {
      console.log(`PASS ${name}: ${audits.length} pages audited, no serious or critical violation`);
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
