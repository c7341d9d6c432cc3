import {
  expect,
  OPERATOR,
  PASSWORD,
  pngLogo,
  test,
  uniqueEmail,
  uniqueSuffix,
  useLocale,
  pickOption,
  openDialog,
} from '../support/fixtures';

test('a merchant applies for a shop with a logo, the operator approves it, the owner sees it active', async ({
  browser,
  baseURL,
  shot,
}) => {
  const merchant = await browser.newContext({ baseURL });
  const page = await merchant.newPage();
  await useLocale(page, 'zh-CN');
  const email = uniqueEmail('merchant');
  const shopName = `山间小铺 ${uniqueSuffix()}`;

  await test.step('the merchant registers in the workbench and lands on onboarding', async () => {
    await page.goto('/seller/register');
    await expect(page.getByRole('heading', { name: '注册商家账号' })).toBeVisible();
    await page.getByTestId('register-email').fill(email);
    await page.getByTestId('register-name').fill('陈小山');
    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await expect(page).toHaveURL(/\/seller\/onboarding$/);
    await expect(page.getByText('你还没有店铺')).toBeVisible();
  });

  await test.step('applies for a shop, with a logo that previews before sending', async () => {
    const form = page.getByTestId('application-form');
    await form.getByTestId('apply-name').fill(shopName);
    await form.getByTestId('category-select').click();
    await pickOption(page, '食品茶饮');
    await form.getByTestId('apply-contact-name').fill('陈小山');
    await form.getByTestId('apply-contact-phone').fill('13800138000');
    await form.getByTestId('apply-licence').fill('91330100MA2H3X5K7Q');
    await form
      .locator('input[type=file]')
      .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: pngLogo() });
    await expect(form.getByTestId('logo-preview')).toHaveAttribute('src', /^data:image\/png;base64,/);
    await shot(page, '01-seller-onboarding-form-zh');
    await form.getByTestId('apply-submit').click();

    const application = page.getByTestId('application').filter({ hasText: shopName });
    await expect(application).toBeVisible();
    await expect(application.getByTestId('shop-status')).toHaveText('审核中');
    await expect(application.locator('img')).toBeVisible(); // the uploaded logo, as the server stores it
    await shot(page, '02-seller-application-pending-zh');
  });

  const operatorContext = await browser.newContext({ baseURL });
  const admin = await operatorContext.newPage();
  await useLocale(admin, 'zh-CN');

  await test.step('the operator signs in to the console and approves the application', async () => {
    await admin.goto('/admin/');
    await expect(admin).toHaveURL(/\/admin\/login/);
    await admin.getByTestId('login-identifier').fill(OPERATOR);
    await admin.getByTestId('login-password').fill(PASSWORD);
    await admin.getByTestId('login-submit').click();
    await expect(admin).toHaveURL(/\/admin\/shop-applications/);

    const row = admin.getByTestId('applications-pending').locator('tr').filter({ hasText: shopName });
    await expect(row).toBeVisible();
    await expect(row).toContainText('食品茶饮');
    await expect(row).toContainText('91330100MA2H3X5K7Q');
    await expect(row).toContainText(email);
    await expect(row.locator('img')).toBeVisible();
    await shot(admin, '03-admin-pending-zh');

    await row.getByRole('button', { name: '通过' }).click();
    const confirm = await openDialog(admin);
    await expect(confirm).toContainText(shopName);
    await confirm.getByRole('button', { name: '通过' }).click();
    await expect(admin.getByText(`已通过「${shopName}」的开店申请`)).toBeVisible();
    await expect(row).toHaveCount(0);

    await admin.getByRole('tab', { name: '已通过' }).click();
    await expect(admin.getByTestId('applications-active').locator('tr').filter({ hasText: shopName })).toBeVisible();
    await shot(admin, '04-admin-approved-zh');
  });

  await test.step('the owner opens the workbench and sees the shop active on Home', async () => {
    await page.goto('/seller/');
    await expect(page).toHaveURL(/\/seller\/shops\/[^/]+\/home$/);
    const home = page.getByTestId('shop-home');
    await expect(home.getByTestId('shop-name')).toHaveText(shopName);
    await expect(home.getByTestId('shop-status')).toHaveText('营业中');
    await expect(home.getByTestId('active-banner')).toBeVisible();
    await expect(home.getByTestId('member-count')).toHaveText('1');
    await expect(home.getByTestId('activity')).toContainText(shopName);
    // The owner may manage staff and settings.
    const nav = page.getByTestId('side-nav');
    await expect(nav.getByText('员工与角色')).toBeVisible();
    await expect(nav.getByText('店铺设置')).toBeVisible();
    await shot(page, '05-seller-home-active-zh');

    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(home.getByTestId('shop-status')).toHaveText('Active');
    await expect(page.getByTestId('side-nav').getByText('Staff & roles')).toBeVisible();
    await expect(home.getByText('Recent activity')).toBeVisible();
    await shot(page, '06-seller-home-active-en');
  });

  await merchant.close();
  await operatorContext.close();
});
