import { SideBar } from 'antd-mobile';
import { SearchOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useCategories } from '../api';
import { LoadFailed, Loading } from '../components';
import { useT } from '../i18n';
import { tileColours } from './HomePage';

/** The platform's categories: top level on the left, their sub-categories as tiles. */
export function CategoriesPage() {
  const t = useT();
  const categories = useCategories();
  const [active, setActive] = useState<string | null>(null);
  if (categories.isPending) return <Loading />;
  if (categories.isError) return <LoadFailed error={categories.error} onRetry={() => void categories.refetch()} />;
  const list = categories.data;
  const current = list.find((c) => c.id === active) ?? list[0];
  return (
    <div className="qd-cats" data-testid="m-categories">
      <div className="qd-cats-head">
        <Link to="/search" className="qd-searchbox qd-searchbox-light" role="search">
          <SearchOutline />
          <span className="qd-searchbox-text">{t('search.placeholder')}</span>
        </Link>
      </div>
      <div className="qd-cats-main">
        <SideBar activeKey={current?.id ?? null} onChange={setActive} style={{ '--width': '96px' }}>
          {list.map((c) => (
            <SideBar.Item key={c.id} title={c.name} />
          ))}
        </SideBar>
        {current && (
          <div className="qd-cats-content">
            <Link to={`/search?cat=${encodeURIComponent(current.id)}`} className="qd-cats-all">
              {t('categories.all', { name: current.name })}
            </Link>
            <div className="qd-cats-grid">
              {current.children.map((c, i) => {
                const [from, to] = tileColours[i % tileColours.length]!;
                return (
                  <Link key={c.id} to={`/search?cat=${encodeURIComponent(c.id)}`} className="qd-cat-tile">
                    <span className="qd-cat-icon" style={{ background: `linear-gradient(135deg, ${from}, ${to})` }}>
                      {[...c.name][0]}
                    </span>
                    <span className="qd-cat-name">{c.name}</span>
                  </Link>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
