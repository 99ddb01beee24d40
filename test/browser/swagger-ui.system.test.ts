import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import { launchChromium } from '../helpers/browser.js';
import { ADMIN_TOKEN } from '../helpers/gateway.js';
import { startStack } from '../helpers/stack.js';

t.test('Swagger UI lists every operation and "Try it out" on GET group answers 200', async (t) => {
  const stack = await startStack(t);
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${stack.url}/docs`);
  await page.waitForSelector('.opblock', { timeout: 30_000 });

  const listed = await page.$$eval('.opblock', (blocks) =>
    blocks.map((b) => `${b.querySelector('.opblock-summary-method')?.textContent ?? ''} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`),
  );
  t.same(listed.sort(), operations.map((op) => `${op.method} ${op.path}`).sort(), 'every catalog operation, nothing else');

  await page.click('button.authorize');
  await page.fill('.auth-container input', ADMIN_TOKEN);
  await page.click('.auth-btn-wrapper button.authorize');
  await page.click('.auth-btn-wrapper button.btn-done');

  const op = page.locator('#operations-Groups-groups');
  await op.locator('.opblock-summary').click();
  await op.locator('button.try-out__btn').click();
  await op.locator('input[placeholder="id"]').fill('my_group_id');
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 30_000 });
  t.equal((await status.textContent())?.trim(), '200');
  const body = await op.locator('.live-responses-table .response-col_description pre').first().textContent();
  t.match(body ?? '', /"id": "my_group_id"/, 'the group object is shown');

  if (process.env.SCREENSHOT_DIR !== undefined) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/swagger-ui.png`, fullPage: false });
  }
});
