import { Button, InfiniteScroll } from 'antd-mobile';
import { Link, useNavigate } from 'react-router-dom';
import { useFavourites, useSetFavourite, type Favourite } from '../api';
import { Empty, Img, LoadFailed, Loading, PageBar, Price, toastError } from '../components';
import { useT } from '../i18n';
import './favourites.css';

/** The products the shopper has favourited (我的收藏), latest first, each with a remove button. */
export function FavouritesPage() {
  const t = useT();
  const navigate = useNavigate();
  const favourites = useFavourites();
  const items = favourites.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div data-testid="m-favourites">
      <PageBar title={t('favourites.title')} back="/me" />
      {favourites.isPending ? (
        <Loading />
      ) : favourites.isError ? (
        <LoadFailed error={favourites.error} onRetry={() => void favourites.refetch()} />
      ) : items.length === 0 ? (
        <Empty
          title={t('favourites.none')}
          description={t('favourites.noneBody')}
          action={
            <Button color="primary" fill="outline" shape="rounded" onClick={() => navigate('/')}>
              {t('favourites.browse')}
            </Button>
          }
        />
      ) : (
        <div className="qd-panel qd-panel-flush">
          {items.map((f) => (
            <FavouriteRow key={`${f.shopId}/${f.productId}`} item={f} />
          ))}
          <InfiniteScroll
            hasMore={!!favourites.hasNextPage}
            loadMore={async () => {
              const next = await favourites.fetchNextPage();
              if (next.isError) throw next.error;
            }}
          />
        </div>
      )}
    </div>
  );
}

function FavouriteRow({ item }: { item: Favourite }) {
  const t = useT();
  const remove = useSetFavourite();
  const to = `/shops/${item.shopId}/products/${item.productId}`;
  return (
    <div className={`qd-fav-row${item.onSale ? '' : ' qd-fav-gone'}`} data-testid="favourite-row">
      <Link to={to} className="qd-fav-link">
        <span className="qd-fav-thumb">
          <Img url={item.image} size={200} alt={item.title} />
          {!item.onSale && <span className="qd-fav-badge">{t('favourites.gone')}</span>}
        </span>
        <span className="qd-fav-text">
          <span className="qd-fav-title" data-testid="favourite-title">
            {item.title}
          </span>
          <span className="qd-m-muted qd-fav-shop">{item.shopName}</span>
          {item.onSale ? (
            <Price fen={item.priceMin} to={item.priceMax} size="sm" />
          ) : (
            <span className="qd-m-muted">{t('favourites.goneBody')}</span>
          )}
        </span>
      </Link>
      <Button
        size="mini"
        shape="rounded"
        className="qd-fav-remove"
        data-testid="favourite-remove"
        loading={remove.isPending}
        onClick={() =>
          remove.mutate({ shopId: item.shopId, productId: item.productId, favourite: false }, { onError: toastError })
        }
      >
        {t('favourites.remove')}
      </Button>
    </div>
  );
}
