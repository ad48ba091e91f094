// The HTML page in headless Chromium (Debian's `chromium`, never a downloaded browser): it renders
// with no console error and no network request, the SVG has one bar per process (orphans marked) and
// one per step, the checks table sits above it, and a screenshot is not blank.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { doctor, doctorFixture, root, runCli, withTempDir } from '../../helpers/doctor.js';
import { missingPackage } from '../../helpers/packages.js';

const CHROMIUM = '/usr/bin/chromium';
// Without chromium the page tests skip with the package to install (a failure under CI=true).
const skip = missingPackage(CHROMIUM, 'chromium');
let browser;

before(async () => {
  if (skip) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});

after(() => browser?.close());

/** Opens a file, failing on any console error, page error or non-file request. */
async function open(file) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    problems.push(`network: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

/** Standard deviation of the screenshot's luminance, measured by decoding it in a canvas. */
async function screenshotSpread(page) {
  const png = await page.screenshot({ fullPage: true });
  const probe = await browser.newPage();
  const spread = await probe.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: img.width, height: img.height });
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    let sum = 0;
    let sq = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      sum += y;
      sq += y * y;
    }
    return Math.sqrt(sq / n - (sum / n) ** 2);
  }, png.toString('base64'));
  await probe.close();
  return spread;
}

test('doctor --html: the checks table above an SVG with one bar per process, orphans marked', { skip }, async () => {
  await withTempDir(async (dir) => {
    const html = path.join(dir, 'doctor.html');
    const { result } = await doctor(
      ['--after', '500ms', '--deadline', '1500ms', '--html', html],
      [process.execPath, doctorFixture('setsid-children.js')],
    );
    const processes = result.timeline.filter((e) => e.kind === 'process');
    const orphans = processes.filter((p) => p.orphan);
    assert.ok(processes.length >= 4 && orphans.length === 3, JSON.stringify(processes));
    const { page, problems } = await open(html);
    assert.equal(await page.locator('svg.timeline rect.proc').count(), processes.length);
    assert.equal(await page.locator('svg.timeline rect.proc.orphan').count(), orphans.length);
    const pids = await page
      .locator('svg.timeline rect.proc')
      .evaluateAll((rects) => rects.map((r) => Number(r.dataset.pid)));
    assert.deepEqual(pids.sort(), processes.map((p) => p.pid).sort());
    assert.equal(await page.locator('table.checks tbody tr').count(), result.checks.length);
    const tableAboveSvg = await page.evaluate(
      () =>
        document.querySelector('table.checks').getBoundingClientRect().bottom <=
        document.querySelector('svg.timeline').getBoundingClientRect().top,
    );
    assert.ok(tableAboveSvg, 'the checks table is above the timeline');
    assert.ok((await page.locator('svg.timeline rect.seg').count()) > 0, 'client request lanes are drawn');
    assert.ok((await page.locator('svg.timeline line.mark.signal').count()) >= 1, 'the signal is marked');
    assert.ok((await screenshotSpread(page)) > 10, 'the screenshot is not blank');
    assert.deepEqual(problems, []);
    await page.close();
  });
});

test(
  'lastcall report --html: a real ShutdownReport draws one bar per step on the same renderer',
  { skip },
  async () => {
    await withTempDir(async (dir) => {
      const json = path.join(dir, 'report.json');
      const { spawnSync } = await import('node:child_process');
      const out = spawnSync(
        process.execPath,
        [path.join(root, 'test', 'fixtures', 'report', 'write-report.js'), json],
        { cwd: root, encoding: 'utf8' },
      );
      assert.equal(out.status, 0, out.stderr);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      const html = path.join(dir, 'report.html');
      assert.equal((await runCli(['report', json, '--html', html])).code, 0);
      const { page, problems } = await open(html);
      assert.equal(await page.locator('svg.timeline rect.step').count(), report.steps.length);
      assert.equal(await page.locator('table.steps tbody tr').count(), report.steps.length);
      assert.ok((await screenshotSpread(page)) > 10, 'the screenshot is not blank');
      assert.deepEqual(problems, []);
      await page.close();
    });
  },
);

test(
  'doctor --html: a 5xx given after SIGTERM is drawn right of the signal line, lanes and legend fit',
  { skip },
  async () => {
    await withTempDir(async (dir) => {
      const html = path.join(dir, 'doctor.html');
      // Each request takes 300 ms and every answer after SIGTERM is a 503: requests sent before the
      // signal are answered 5xx after it.
      const { result } = await doctor(
        ['--after', '500ms', '--deadline', '3s', '--connections', '4', '--html', html],
        [process.execPath, doctorFixture('late-5xx.js')],
      );
      const signalMs = result.timeline.find((e) => e.kind === 'signal').atMs;
      const late = result.timeline.filter((e) => e.kind === 'requests' && e.outcome === '5xx');
      assert.ok(late.length > 0, JSON.stringify(result.timeline));
      assert.ok(
        late.some((e) => e.startMs < signalMs),
        'some 5xx requests were sent before the signal (the case a start-placed bar gets wrong)',
      );
      for (const e of late) {
        assert.equal(e.answered, 'after-signal');
        assert.ok(e.firstAnswerMs >= signalMs && e.lastAnswerMs >= e.firstAnswerMs, JSON.stringify(e));
      }
      const { page, problems } = await open(html);
      for (const lane of await page.locator('svg.timeline g.lane').all()) assert.ok(await lane.isVisible());
      assert.ok(await page.locator('.legend').isVisible());
      assert.ok(await page.getByText('answered after the signal').isVisible());
      assert.ok(await page.getByText('signal sent').isVisible());
      const boxes = await page.evaluate(() => {
        const box = (el) => el.getBoundingClientRect().toJSON();
        return {
          signal: box(document.querySelector('svg.timeline line.mark.signal')),
          late: [...document.querySelectorAll('svg.timeline rect.seg[data-answered]')]
            .filter((r) => r.classList.contains('5xx'))
            .map((r) => ({ ...box(r), title: r.querySelector('title').textContent, fill: getComputedStyle(r).fill })),
          plotLeft: Math.min(...[...document.querySelectorAll('svg.timeline line.grid')].map((l) => box(l).left)),
          labels: [...document.querySelectorAll('svg.timeline g.lane text.label')].map(box),
          lanes: [...document.querySelectorAll('svg.timeline g.lane')].map(box),
        };
      });
      assert.ok(boxes.late.length >= late.length, JSON.stringify(boxes.late));
      for (const bar of boxes.late) {
        assert.ok(
          bar.left >= boxes.signal.left - 1,
          `a post-signal 5xx bar is right of the signal: ${JSON.stringify(bar)}`,
        );
        assert.match(bar.title, /sent from \d+ ms, answered \d+–\d+ ms \(after SIGTERM\)$/);
        assert.equal(bar.fill, 'rgb(251, 140, 0)');
      }
      assert.ok(boxes.labels.length >= 4);
      for (const [i, label] of boxes.labels.entries()) {
        assert.ok(label.right <= boxes.plotLeft, `label ${i} overflows into the plot: ${JSON.stringify(label)}`);
        assert.ok(label.top >= boxes.lanes[i].top - 1 && label.bottom <= boxes.lanes[i].bottom + 1);
        if (i > 0) assert.ok(label.top >= boxes.labels[i - 1].bottom - 2, `label ${i} overlaps the one above`);
      }
      const external = await page.evaluate(() =>
        [...document.querySelectorAll('[src], [href], link, script')].map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(external, [], 'no external assets: the page works without network');
      assert.deepEqual(problems, []);
      await page.close();
    });
  },
);
