import { InfiniteScroll } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { Link } from 'react-router-dom';
import { formatDate } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { useFollows } from '../api';
import { Empty, LoadFailed, Loading, PageBar } from '../components';
import { useT } from '../i18n';
import { StoreIcon } from './ProductPage';

/** The shops the shopper follows, latest first. */
export function FollowsPage() {
  const t = useT();
  const locale = useLocale();
  const follows = useFollows();
  const items = follows.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div data-testid="m-follows">
      <PageBar title={t('me.follows')} back="/me" />
      {follows.isPending ? (
        <Loading />
      ) : follows.isError ? (
        <LoadFailed error={follows.error} onRetry={() => void follows.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={t('follows.none')} description={t('follows.noneBody')} />
      ) : (
        <div className="qd-panel qd-panel-flush">
          {items.map((f) => (
            <Link key={f.shopId} to={`/shops/${f.shopId}`} className="qd-follow-row">
              {f.logoUrl ? (
                <img src={f.logoUrl} alt="" className="qd-pd-shop-logo" />
              ) : (
                <span className="qd-pd-shop-logo qd-pd-shop-logo-empty">
                  <StoreIcon />
                </span>
              )}
              <span className="qd-pd-shop-name">
                <b>{f.name}</b>
                <span className="qd-m-muted">
                  {f.open ? t('follows.since', { date: formatDate(f.followedAt, locale) }) : t('follows.closed')}
                </span>
              </span>
              <RightOutline className="qd-cell-arrow" />
            </Link>
          ))}
          <InfiniteScroll
            hasMore={!!follows.hasNextPage}
            loadMore={async () => {
              const next = await follows.fetchNextPage();
              if (next.isError) throw next.error;
            }}
          />
        </div>
      )}
    </div>
  );
}
