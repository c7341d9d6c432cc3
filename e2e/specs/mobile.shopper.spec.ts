import { apiActor, expect, PASSWORD, test, uniqueMobile, useLocale } from '../support/fixtures';

test('a shopper signs up on a phone, sees the Me page, and switches language', async ({ page, shot }) => {
  await useLocale(page, 'zh-CN');
  const mobile = uniqueMobile();
  const nickname = '小鱼';

  await test.step('the storefront welcomes a guest with sign-up and sign-in', async () => {
    await page.goto('/m/');
    await expect(page.getByTestId('m-greeting')).toHaveText('欢迎来到千店');
    await shot(page, '12-m-home-guest-zh');
    await page.getByRole('button', { name: '注册' }).click();
    await expect(page).toHaveURL(/\/m\/register$/);
  });

  await test.step('signs up with a mobile number and lands on Me', async () => {
    await page.getByTestId('register-mobile').locator('input').fill(mobile);
    await page.getByTestId('register-password').locator('input').fill(PASSWORD);
    await page.getByTestId('register-name').locator('input').fill(nickname);
    await shot(page, '13-m-register-zh');
    await page.getByTestId('register-submit').click();
    await expect(page).toHaveURL(/\/m\/me$/);
    await expect(page.getByTestId('m-nickname')).toHaveText(nickname);
    const account = page.getByTestId('m-account');
    await expect(account).toContainText(mobile);
    await expect(account).toContainText('消费者');
    await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
    await expect(page.locator('.adm-toast-mask')).toHaveCount(0, { timeout: 5_000 });
    await shot(page, '14-m-me-zh');
  });

  await test.step('switching language changes the texts', async () => {
    await page.getByTestId('current-language').click();
    await page.locator('.adm-action-sheet').getByText('English').click();
    await expect(page.getByTestId('current-language')).toHaveText('English');
    await expect(page.getByText('Account type')).toBeVisible();
    await expect(page.getByTestId('m-account')).toContainText('Shopper');
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(page.getByText('退出登录')).toHaveCount(0);
    await shot(page, '15-m-me-en');

    await page
      .locator('.adm-tab-bar-item')
      .filter({ hasText: /^Home$/ })
      .click();
    await expect(page).toHaveURL(/\/m\/?$/);
    await expect(page.getByTestId('m-greeting')).toHaveText(`Hi, ${nickname}`);
    await shot(page, '16-m-home-en');
  });

  await test.step('the choice survives a reload, and sign-out returns to a guest', async () => {
    await page.reload();
    await expect(page.getByTestId('m-greeting')).toHaveText(`Hi, ${nickname}`);
    await page.locator('.adm-tab-bar-item').filter({ hasText: /^Me$/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('.adm-dialog').getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText('Sign in / Sign up')).toBeVisible();
  });
});

test('a bad mobile number and a short password show the API’s messages on the phone', async ({
  page,
  baseURL,
  shot,
}) => {
  await useLocale(page, 'zh-CN');
  const probe = await apiActor(baseURL!, 'zh-CN');
  const expected = await probe.post('/api/auth/register', {
    kind: 'shopper',
    mobile: '12345',
    password: 'short',
    displayName: '小鱼',
  });
  expect(expected.status).toBe(400);
  await probe.dispose();
  const messageFor = (field: string) =>
    (expected.body.errors as { field: string; message: string }[]).find((e) => e.field === field)?.message;

  await page.goto('/m/register');
  await page.getByTestId('register-mobile').locator('input').fill('12345');
  await page.getByTestId('register-password').locator('input').fill('short');
  await page.getByTestId('register-name').locator('input').fill('小鱼');
  await page.getByTestId('register-submit').click();
  await expect(page.getByRole('alert')).toContainText(expected.body.detail);
  for (const [testId, field] of [
    ['register-mobile', 'body.mobile'],
    ['register-password', 'body.password'],
  ] as const) {
    const message = messageFor(field);
    if (!message) continue;
    const item = page.locator('.adm-form-item').filter({ has: page.getByTestId(testId) });
    await expect(item.locator('.adm-form-item-feedback-error')).toHaveText(message);
  }
  expect(messageFor('body.mobile') ?? messageFor('body.password')).toBeTruthy();
  await expect(page).toHaveURL(/\/m\/register$/);
  await shot(page, '20-m-register-errors-zh');
});
