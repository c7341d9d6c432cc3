import {
  apiActor,
  expect,
  PASSWORD,
  signInSeller,
  test,
  uniqueEmail,
  useLocale,
  openDialog,
} from '../support/fixtures';

test.describe('bad input shows the API’s messages on the fields', () => {
  test('registering with a short password puts the API’s message under the password', async ({
    page,
    baseURL,
    shot,
  }) => {
    await useLocale(page, 'zh-CN');
    const email = uniqueEmail('short');
    // What the API says for this input, in this language.
    const api = await apiActor(baseURL!, 'zh-CN');
    const expected = await api.post('/api/auth/register', {
      kind: 'merchant',
      email: uniqueEmail('probe'),
      password: 'short',
      displayName: '测试',
    });
    expect(expected.status).toBe(400);
    const passwordError = expected.body.errors.find((e: { field: string }) => e.field === 'body.password');
    expect(passwordError).toBeTruthy();
    await api.dispose();

    await page.goto('/seller/register');
    await page.getByTestId('register-email').fill(email);
    await page.getByTestId('register-name').fill('测试');
    await page.getByTestId('register-password').fill('short');
    await page.getByTestId('register-submit').click();
    await expect(page.getByRole('alert').first()).toContainText(expected.body.detail);
    const field = page.locator('.ant-form-item').filter({ has: page.getByTestId('register-password') });
    await expect(field.locator('.ant-form-item-explain-error')).toHaveText(passwordError.message);
    await expect(page).toHaveURL(/\/seller\/register$/);
    await shot(page, '17-seller-register-short-password-zh');
  });

  test('registering an email that is taken shows the API’s message, in English too', async ({
    page,
    baseURL,
    shot,
  }) => {
    await useLocale(page, 'en-US');
    const email = uniqueEmail('taken');
    const first = await apiActor(baseURL!, 'en-US');
    const created = await first.post('/api/auth/register', {
      kind: 'merchant',
      email,
      password: PASSWORD,
      displayName: 'First',
    });
    expect(created.status).toBe(201);
    const again = await apiActor(baseURL!, 'en-US');
    const conflict = await again.post('/api/auth/register', {
      kind: 'merchant',
      email,
      password: PASSWORD,
      displayName: 'X',
    });
    expect(conflict.status).toBe(409);
    await first.dispose();
    await again.dispose();

    await page.goto('/seller/register');
    await expect(page.getByRole('heading', { name: 'Create a merchant account' })).toBeVisible();
    await page.getByTestId('register-email').fill(email);
    await page.getByTestId('register-name').fill('Second');
    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await expect(page.getByRole('alert').first()).toContainText(conflict.body.detail);
    for (const fieldError of conflict.body.errors ?? []) {
      if (fieldError.field === 'body.email') {
        const field = page.locator('.ant-form-item').filter({ has: page.getByTestId('register-email') });
        await expect(field.locator('.ant-form-item-explain-error')).toHaveText(fieldError.message);
      }
    }
    await expect(page).toHaveURL(/\/seller\/register$/);
    await shot(page, '18-seller-register-taken-en');
  });

  test('a wrong password at sign-in says so and keeps the person on the sign-in page', async ({ page }) => {
    await useLocale(page, 'zh-CN');
    await page.goto('/seller/login');
    await page.getByTestId('login-identifier').fill('tea.owner@qiandian.dev');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByRole('alert').first()).toContainText('账号或密码错误');
    await expect(page).toHaveURL(/\/seller\/login$/);
  });

  test('the operator must give a reason to reject; the merchant then sees it', async ({
    page,
    browser,
    baseURL,
    shot,
  }) => {
    await useLocale(page, 'zh-CN');
    // A pending application from a fresh merchant.
    const merchant = await apiActor(baseURL!);
    const merchantEmail = uniqueEmail('reject');
    await merchant.post('/api/auth/register', {
      kind: 'merchant',
      email: merchantEmail,
      password: PASSWORD,
      displayName: '待驳回',
    });
    const name = `待驳回小店 ${Date.now().toString(36)}`;
    const applied = await merchant.post('/api/shop-applications', {
      name,
      mainCategory: 'books',
      contactName: '某某',
      contactPhone: '13800000009',
      licenceNo: '91330100MA2REJECT1',
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);

    await page.goto('/admin/login');
    await page.getByTestId('login-identifier').fill('admin@qiandian.dev');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    const row = page.getByTestId('applications-pending').locator('tr').filter({ hasText: name });
    await row.getByRole('button', { name: '驳回' }).click();
    const dialog = await openDialog(page);
    await dialog.getByRole('button', { name: '驳回' }).click();
    await expect(dialog.locator('.ant-form-item-explain-error')).toHaveText('请填写驳回原因');
    await dialog.locator('textarea').fill('营业执照照片不清晰，请重新提交');
    await dialog.getByRole('button', { name: '驳回' }).click();
    await expect(page.getByText(`已驳回「${name}」的开店申请`)).toBeVisible();
    await page.getByRole('tab', { name: '已驳回' }).click();
    await expect(page.getByTestId('applications-rejected').locator('tr').filter({ hasText: name })).toContainText(
      '营业执照照片不清晰',
    );

    await merchant.dispose();

    // The merchant sees the status and the reason in the workbench.
    const context = await browser.newContext({ baseURL });
    const seller = await context.newPage();
    await useLocale(seller, 'zh-CN');
    await signInSeller(seller, merchantEmail);
    await seller.goto('/seller/onboarding');
    const application = seller.getByTestId('application').filter({ hasText: name });
    await expect(application.getByTestId('shop-status')).toHaveText('未通过');
    await expect(application).toContainText('未通过原因：营业执照照片不清晰，请重新提交');
    await shot(seller, '19-seller-application-rejected-zh');
    await context.close();
  });
});
