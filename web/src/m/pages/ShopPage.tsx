import { Button, NoticeBar, Swiper, Tabs } from 'antd-mobile';
import { AddOutline, LeftOutline, SearchOutline, SoundOutline } from 'antd-mobile-icons';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useLocale } from '../../i18n/react';
import { useFollow, useShopHome, type ShopHome } from '../api';
import { linkFromPlacement, PlacedProducts, placedBanner, PRODUCT_MODULE, sendPlacementClick } from '../Placements';
import { Empty, Img, LoadFailed, Loading, ProductGrid, toastError, useBack, useSignedIn } from '../components';
import { compactCount } from '../format';
import { useT } from '../i18n';
import { StoreIcon } from './ProductPage';
import { rememberStoreVisit } from './StorePickup';
import { track } from '../beacon';

/** A banner's link: a page of this app, or another site. */
function openLink(link: string, navigate: (to: string) => void) {
  if (link.startsWith('/m/') || link === '/m') navigate(link.slice(2) || '/');
  else if (/^https?:\/\//.test(link) || link.startsWith('/')) window.location.assign(link);
}

export function ShopPage() {
  const { shopId = '' } = useParams();
  // A shopping guide's code opens the shop in their store: what is bought next is credited to them.
  useEffect(() => void rememberStoreVisit(shopId, new URLSearchParams(window.location.search)), [shopId]);
  const t = useT();
  const home = useShopHome(shopId);
  const goBack = useBack('/');
  const [category, setCategory] = useState('all');
  useEffect(() => track('page_view', shopId), [shopId]);

  if (home.isPending) return <Loading />;
  if (home.isError) {
    return (
      <div>
        <div className="qd-shop-head qd-shop-head-plain">
          <button type="button" className="qd-icon-btn qd-on-dark" aria-label={t('back')} onClick={goBack}>
            <LeftOutline />
          </button>
        </div>
        <LoadFailed error={home.error} onRetry={() => void home.refetch()} />
      </div>
    );
  }
  const data = home.data;
  return (
    <div className="qd-shop" data-testid="m-shop">
      <ShopHeader data={data} onBack={goBack} />
      {data.notice && (
        <NoticeBar
          icon={<SoundOutline />}
          content={data.notice}
          color="alert"
          className="qd-shop-notice"
          data-testid="shop-notice"
        />
      )}
      <Banners shopId={shopId} data={data} />
      <PlacedProducts
        shopId={shopId}
        placement={data.placements.find((p) => p.placement === PRODUCT_MODULE)}
        testId="shop-placed-products"
      />
      <div className="qd-tabs-sticky">
        <Tabs
          activeKey={category}
          onChange={setCategory}
          style={{ '--title-font-size': '14px', '--active-line-color': 'var(--adm-color-primary)' }}
        >
          <Tabs.Tab key="all" title={t('shop.all')} />
          {data.categories.map((c) => (
            <Tabs.Tab key={c.id} title={c.name} />
          ))}
        </Tabs>
      </div>
      <div className="qd-shop-grid">
        <ProductGrid
          key={category}
          shopId={shopId}
          query={category === 'all' ? { sort: 'sales' } : { sort: 'sales', shopCategoryId: category }}
          initialPage={category === 'all' ? data.products : undefined}
          empty={<Empty title={t('shop.noProducts')} />}
        />
      </div>
    </div>
  );
}

function ShopHeader({ data, onBack }: { data: ShopHome; onBack: () => void }) {
  const t = useT();
  const locale = useLocale();
  const follow = useFollow(data.shop.id);
  const signedIn = useSignedIn();
  const shop = data.shop;
  return (
    <div className="qd-shop-head">
      <div className="qd-shop-top">
        <button type="button" className="qd-icon-btn qd-on-dark" aria-label={t('back')} onClick={onBack}>
          <LeftOutline />
        </button>
        <Link
          to={`/search?shop=${encodeURIComponent(shop.id)}`}
          className="qd-searchbox qd-searchbox-glass"
          role="search"
        >
          <SearchOutline />
          <span className="qd-searchbox-text">{t('shop.searchIn')}</span>
        </Link>
      </div>
      <div className="qd-shop-info">
        {shop.logoUrl ? (
          <img src={shop.logoUrl} alt="" className="qd-shop-logo" />
        ) : (
          <span className="qd-shop-logo qd-shop-logo-empty">
            <StoreIcon />
          </span>
        )}
        <div className="qd-shop-name-box">
          <div className="qd-shop-name" data-testid="shop-name">
            {shop.name}
          </div>
          <div className="qd-shop-meta">
            <span className="qd-shop-cat">{shop.mainCategoryName}</span>
            <span data-testid="shop-followers">{t('shop.followers', { n: compactCount(shop.followers, locale) })}</span>
          </div>
        </div>
        <Button
          size="small"
          shape="rounded"
          className={shop.followed ? 'qd-follow qd-follow-on' : 'qd-follow'}
          loading={follow.isPending}
          data-testid="shop-follow"
          onClick={() => {
            if (!signedIn()) return;
            follow.mutate(!shop.followed, {
              onError: toastError,
              onSuccess: () => {
                if (!shop.followed) track('follow', shop.id);
              },
            });
          }}
        >
          {shop.followed ? (
            t('shop.following')
          ) : (
            <>
              <AddOutline /> {t('shop.follow')}
            </>
          )}
        </Button>
      </div>
    </div>
  );
}

/** The decoration's banners, led by the hero banner a strategy chose for this shopper (if any). */
function Banners({ shopId, data }: { shopId: string; data: ShopHome }) {
  const navigate = useNavigate();
  const hero = placedBanner(data.placements);
  const banners = hero ? [hero, ...data.banners] : data.banners;
  if (banners.length === 0) return null;
  return (
    <div className="qd-shop-banners" data-testid="shop-banners" data-variant={hero?.placement.variantId}>
      <Swiper autoplay={banners.length > 1} loop={banners.length > 1} style={{ '--border-radius': '12px' }}>
        {banners.map((b, i) => (
          <Swiper.Item key={`${b.imageUrl}-${i}`}>
            <div
              className="qd-shop-banner"
              role={b.link ? 'link' : undefined}
              data-testid={i === 0 && hero ? 'shop-hero-banner' : undefined}
              onClick={() => {
                if (i === 0 && hero) sendPlacementClick(shopId, hero.placement);
                if (b.link) openLink(i === 0 && hero ? linkFromPlacement(b.link, hero.placement) : b.link, navigate);
              }}
            >
              <Img url={b.imageUrl} size={960} alt={b.title ?? ''} />
              {b.title && <span className="qd-shop-banner-title">{b.title}</span>}
            </div>
          </Swiper.Item>
        ))}
      </Swiper>
    </div>
  );
}
