import { Button } from 'antd-mobile';
import { SearchOutline } from 'antd-mobile-icons';
import { Link, useNavigate } from 'react-router-dom';
import { accountLabel, useMe } from '../../shared/auth';
import { useCategories } from '../api';
import { TopBar } from '../Brand';
import { Empty, LoadFailed, Loading, ProductGrid } from '../components';
import { useT } from '../i18n';

/** Colours for the category tiles, in order. */
export const tileColours = [
  ['#ff9a3c', '#ff5000'],
  ['#5ed67b', '#1aa34a'],
  ['#ffc53d', '#fa8c16'],
  ['#ff85c0', '#eb2f96'],
  ['#69b1ff', '#1677ff'],
  ['#b37feb', '#722ed1'],
  ['#5cdbd3', '#13a8a8'],
  ['#ff7875', '#f5222d'],
];

export function HomePage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const categories = useCategories();
  if (me.isPending) return <Loading />;
  if (me.isError) return <LoadFailed error={me.error} onRetry={() => void me.refetch()} />;
  const account = me.data;
  return (
    <div data-testid="m-home">
      <div className="qd-home-head">
        <TopBar />
        <h2 className="qd-home-greeting" data-testid="m-greeting">
          {account ? t('home.hello', { name: accountLabel(account) }) : t('home.guest')}
        </h2>
        <Link to="/search" className="qd-searchbox" role="search" data-testid="home-search">
          <SearchOutline />
          <span className="qd-searchbox-text">{t('search.placeholder')}</span>
          <span className="qd-searchbox-btn">{t('search.go')}</span>
        </Link>
      </div>
      <div className="qd-home-cats">
        {categories.isError ? (
          <LoadFailed error={categories.error} onRetry={() => void categories.refetch()} />
        ) : (
          (categories.data ?? []).slice(0, 8).map((c, i) => {
            const [from, to] = tileColours[i % tileColours.length]!;
            return (
              <Link key={c.id} to={`/search?cat=${encodeURIComponent(c.id)}`} className="qd-cat-tile">
                <span className="qd-cat-icon" style={{ background: `linear-gradient(135deg, ${from}, ${to})` }}>
                  {[...c.name][0]}
                </span>
                <span className="qd-cat-name">{c.name}</span>
              </Link>
            );
          })
        )}
      </div>
      {!account && (
        <div className="qd-guest-card">
          <div style={{ flex: 1, minWidth: 0 }}>
            <div className="qd-guest-title">{t('home.guestTitle')}</div>
            <div className="qd-m-muted">{t('home.guestBody')}</div>
          </div>
          <div className="qd-guest-actions">
            <Button size="small" color="primary" shape="rounded" onClick={() => navigate('/register')}>
              {t('home.signUp')}
            </Button>
            <Button size="small" shape="rounded" onClick={() => navigate('/login')}>
              {t('home.signIn')}
            </Button>
          </div>
        </div>
      )}
      <div className="qd-section-title">
        <span>{t('home.feed')}</span>
      </div>
      <ProductGrid
        query={{ sort: 'sales' }}
        empty={<Empty title={t('home.noProducts')} description={t('home.noProductsBody')} />}
      />
    </div>
  );
}
