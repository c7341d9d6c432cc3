import { Button, Checkbox, Dialog, Stepper, Toast } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useCart, useRemoveFromCart, useSetCartQuantity, type CartGroup, type CartLine } from '../api';
import { Empty, Img, LoadFailed, Loading, Price, toastError } from '../components';
import { useT } from '../i18n';
import { checkoutPath } from './CheckoutPage';
import { StoreIcon } from './ProductPage';

const keyOf = (shopId: string, skuId: string) => `${shopId}/${skuId}`;
const canBuy = (l: CartLine) => l.purchasable && l.available > 0 && l.productId !== null;

/** The cart, grouped by shop: choose lines, change quantities, remove, check out. */
export function CartPage() {
  const t = useT();
  const navigate = useNavigate();
  const cart = useCart();
  const setQuantity = useSetCartQuantity();
  const remove = useRemoveFromCart();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [managing, setManaging] = useState(false);

  if (cart.isPending) return <Loading />;
  if (cart.isError) return <LoadFailed error={cart.error} onRetry={() => void cart.refetch()} />;
  const groups = cart.data.groups.filter((g) => g.lines.length > 0);
  const all = groups.flatMap((g) => g.lines.map((l) => ({ shopId: g.shopId, line: l })));
  const choosable = all.filter(({ line }) => managing || canBuy(line));
  const chosen = choosable.filter(({ shopId, line }) => selected.has(keyOf(shopId, line.skuId)));
  const allChosen = choosable.length > 0 && chosen.length === choosable.length;
  const total = chosen.reduce((n, { line }) => n + line.unitPrice * Math.min(line.quantity, line.available), 0);
  const units = chosen.reduce((n, { line }) => n + line.quantity, 0);

  const toggle = (keys: string[], on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      for (const k of keys) {
        if (on) next.add(k);
        else next.delete(k);
      }
      return next;
    });

  const removeChosen = async () => {
    if (chosen.length === 0) return;
    const ok = await Dialog.confirm({
      content: t('cart.removeConfirm', { n: chosen.length }),
      confirmText: t('delete'),
      cancelText: t('cancel'),
    });
    if (!ok) return;
    remove.mutate(
      chosen.map(({ shopId, line }) => ({ shopId, skuId: line.skuId })),
      {
        onSuccess: () => {
          setSelected(new Set());
          Toast.show({ content: t('deleted') });
        },
        onError: toastError,
      },
    );
  };

  return (
    <div className="qd-cart" data-testid="m-cart">
      <div className="qd-cart-head">
        <span className="qd-cart-title">
          {t('cart.title')}
          {all.length > 0 && <small>({all.length})</small>}
        </span>
        {all.length > 0 && (
          <button
            type="button"
            className="qd-link"
            onClick={() => {
              setManaging((m) => !m);
              setSelected(new Set());
            }}
          >
            {managing ? t('done') : t('cart.manage')}
          </button>
        )}
      </div>

      {groups.length === 0 ? (
        <Empty
          title={t('cart.empty')}
          description={t('cart.emptyBody')}
          action={
            <Button color="primary" fill="outline" shape="rounded" onClick={() => navigate('/')}>
              {t('cart.goShopping')}
            </Button>
          }
        />
      ) : (
        groups.map((g) => (
          <CartShop
            key={g.shopId}
            group={g}
            managing={managing}
            selected={selected}
            onToggle={toggle}
            onQuantity={(line, quantity) =>
              setQuantity.mutate({ shopId: g.shopId, skuId: line.skuId, quantity }, { onError: toastError })
            }
          />
        ))
      )}

      {groups.length > 0 && (
        <div className="qd-cartbar" data-testid="cart-bar">
          <Checkbox
            checked={allChosen}
            onChange={(on) =>
              toggle(
                choosable.map(({ shopId, line }) => keyOf(shopId, line.skuId)),
                on,
              )
            }
            style={{ '--icon-size': '20px', '--font-size': '14px' }}
          >
            {t('cart.all')}
          </Checkbox>
          <span className="qd-spacer" />
          {managing ? (
            <Button
              color="danger"
              fill="outline"
              shape="rounded"
              disabled={chosen.length === 0}
              loading={remove.isPending}
              onClick={() => void removeChosen()}
            >
              {t('delete')}
            </Button>
          ) : (
            <>
              <span className="qd-cartbar-total">
                {t('cart.total')}
                <Price fen={total} size="lg" testId="cart-total" />
              </span>
              <Button
                color="primary"
                shape="rounded"
                className="qd-submit-btn"
                data-testid="cart-checkout"
                disabled={chosen.length === 0}
                onClick={() =>
                  navigate(
                    checkoutPath(
                      chosen.map(({ shopId, line }) => ({
                        shopId,
                        productId: line.productId!,
                        skuId: line.skuId,
                        quantity: Math.min(line.quantity, line.available),
                      })),
                      true,
                    ),
                  )
                }
              >
                {t('cart.checkout', { n: units })}
              </Button>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function CartShop({
  group,
  managing,
  selected,
  onToggle,
  onQuantity,
}: {
  group: CartGroup;
  managing: boolean;
  selected: Set<string>;
  onToggle: (keys: string[], on: boolean) => void;
  onQuantity: (line: CartLine, quantity: number) => void;
}) {
  const t = useT();
  const choosable = group.lines.filter((l) => managing || canBuy(l)).map((l) => keyOf(group.shopId, l.skuId));
  const allOn = choosable.length > 0 && choosable.every((k) => selected.has(k));
  return (
    <div className="qd-panel" data-testid="cart-shop">
      <div className="qd-panel-head">
        <Checkbox
          checked={allOn}
          disabled={choosable.length === 0}
          onChange={(on) => onToggle(choosable, on)}
          style={{ '--icon-size': '20px' }}
          aria-label={group.shopName}
        />
        <Link to={`/shops/${group.shopId}`} className="qd-panel-shop">
          <StoreIcon />
          <b>{group.shopName}</b>
          <RightOutline />
        </Link>
      </div>
      {group.lines.map((line) => {
        const key = keyOf(group.shopId, line.skuId);
        const ok = canBuy(line);
        return (
          <div className={`qd-line qd-cart-line${ok ? '' : ' qd-line-off'}`} key={key} data-testid="cart-line">
            <Checkbox
              checked={selected.has(key)}
              disabled={!managing && !ok}
              onChange={(on) => onToggle([key], on)}
              style={{ '--icon-size': '20px' }}
              aria-label={line.title}
            />
            <Link
              to={line.productId ? `/shops/${group.shopId}/products/${line.productId}` : '#'}
              className="qd-line-imgwrap"
            >
              <Img url={line.imageUrl} size={200} className="qd-line-img" />
              {!ok && <span className="qd-line-badge">{line.purchasable ? t('cart.soldOut') : t('cart.invalid')}</span>}
            </Link>
            <div className="qd-line-main">
              <div className="qd-line-title">{line.title || t('cart.invalid')}</div>
              {line.specText && <div className="qd-line-spec">{line.specText}</div>}
              {ok && line.quantity > line.available && (
                <div className="qd-field-error">{t('product.onlyLeft', { n: line.available })}</div>
              )}
              <div className="qd-line-foot">
                <Price fen={line.unitPrice} size="md" />
                {ok ? (
                  <Stepper
                    min={1}
                    max={Math.max(1, Math.min(999, line.available))}
                    value={line.quantity}
                    onChange={(v) => v !== line.quantity && onQuantity(line, v)}
                    style={{ '--height': '26px', '--input-width': '36px', '--button-width': '26px' }}
                  />
                ) : (
                  <span className="qd-line-qty">×{line.quantity}</span>
                )}
              </div>
            </div>
          </div>
        );
      })}
    </div>
  );
}
