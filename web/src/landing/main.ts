import {
  defineDictionary,
  getLocale,
  localeNames,
  locales,
  setLocale,
  subscribeLocale,
  translator,
} from '../i18n/locale';
import './landing.css';

const dict = defineDictionary(
  {
    title: '千店 Qiandian',
    brand: '千店',
    tagline: '开放、可自托管的商家服务生态',
    intro: '消费者逛店购物，商家和员工在千牛工作台经营店铺，平台运营审核入驻——同一个服务、同一个端口。',
    sellerTitle: '千牛工作台',
    sellerBody: '商家与店铺员工：开店入驻、员工与角色、店铺设置。',
    adminTitle: '运营后台',
    adminBody: '平台运营：审核开店申请，通过或驳回。',
    mTitle: '手机逛店',
    mBody: '消费者：注册登录，我的账号（手机优先）。',
    open: '进入',
    api: 'API 文档',
    footer: '千店 · 演示账号密码均为 Qiandian#2026',
  },
  {
    title: 'Qiandian 千店',
    brand: 'Qiandian',
    tagline: 'An open, self-hostable merchant service ecosystem',
    intro:
      'Shoppers browse and buy, merchants and their staff run shops in the Seller Workbench, operators review who may sell: one service, one port.',
    sellerTitle: 'Seller Workbench',
    sellerBody: 'Merchants and shop staff: open a shop, staff & roles, shop settings.',
    adminTitle: 'Operations Console',
    adminBody: 'Platform operators: review shop applications; approve or reject.',
    mTitle: 'Mobile shop',
    mBody: 'Shoppers: sign up, sign in, your account (phone first).',
    open: 'Open',
    api: 'API docs',
    footer: 'Qiandian · demo accounts use the password Qiandian#2026',
  },
);

const logo = `<svg width="44" height="44" viewBox="0 0 64 64" aria-hidden="true"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ff9a3c"/><stop offset="1" stop-color="#ff5000"/></linearGradient></defs><rect width="64" height="64" rx="16" fill="url(#g)"/><path d="M43 13.5 22 20M14 33h36M32 19.5V52" stroke="#fff" stroke-width="6" stroke-linecap="round" fill="none"/></svg>`;

const icon = (path: string) =>
  `<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="#ff6a00" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${path}</svg>`;
const icons = {
  seller: icon(
    '<path d="M3 9l1.5-5h15L21 9"/><path d="M3 9h18v2a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 1-6 0z"/><path d="M5 13v7h14v-7"/><path d="M10 20v-4h4v4"/>',
  ),
  admin: icon('<path d="M12 3l8 3v6c0 4.5-3.4 8.2-8 9-4.6-.8-8-4.5-8-9V6z"/><path d="M8.5 12l2.5 2.5 4.5-5"/>'),
  m: icon('<rect x="6" y="2.5" width="12" height="19" rx="2.5"/><path d="M10.5 18.5h3"/>'),
};

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function render() {
  const t = translator(dict, getLocale());
  document.title = t('title');
  const app = (href: string, title: string, body: string, icon: string) => `
    <a class="app" href="${href}">
      <span class="app-icon">${icon}</span>
      <span class="app-title">${escape(title)}</span>
      <span class="app-body">${escape(body)}</span>
      <span class="app-open">${escape(t('open'))} →</span>
    </a>`;
  document.getElementById('root')!.innerHTML = `
    <main class="landing">
      <header>
        <div class="brand">${logo}<span>${escape(t('brand'))}</span></div>
        <div class="langs">${locales
          .map(
            (l) => `<button data-locale="${l}" class="${l === getLocale() ? 'active' : ''}">${localeNames[l]}</button>`,
          )
          .join('')}</div>
      </header>
      <section class="hero">
        <h1>${escape(t('tagline'))}</h1>
        <p>${escape(t('intro'))}</p>
      </section>
      <section class="apps">
        ${app('/seller/', t('sellerTitle'), t('sellerBody'), icons.seller)}
        ${app('/admin/', t('adminTitle'), t('adminBody'), icons.admin)}
        ${app('/m/', t('mTitle'), t('mBody'), icons.m)}
      </section>
      <footer><a href="/api/docs">${escape(t('api'))}</a> · ${escape(t('footer'))}</footer>
    </main>`;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-locale]')) {
    button.addEventListener('click', () => setLocale(button.dataset.locale as (typeof locales)[number]));
  }
}

subscribeLocale(render);
render();
