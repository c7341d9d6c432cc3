import { Button, Input, Popup, SearchBar, Selector } from 'antd-mobile';
import { DeleteOutline, FilterOutline, LeftOutline } from 'antd-mobile-icons';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCategories, type BrowseQuery, type CategoryNode, type Sort } from '../api';
import { Empty, ProductGrid, useBack } from '../components';
import { parseYuan } from '../format';
import { useT } from '../i18n';
import { track } from '../beacon';

const HISTORY_KEY = 'qd.m.searches';

function readHistory(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as unknown;
    return Array.isArray(saved) ? saved.filter((s): s is string => typeof s === 'string').slice(0, 12) : [];
  } catch {
    return [];
  }
}
function remember(q: string) {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify([q, ...readHistory().filter((h) => h !== q)].slice(0, 12)));
  } catch {
    // not kept
  }
}

function findCategory(nodes: CategoryNode[] | undefined, id: string | null): CategoryNode | undefined {
  for (const n of nodes ?? []) {
    if (n.id === id) return n;
    const inner = findCategory(n.children, id);
    if (inner) return inner;
  }
  return undefined;
}

const SORTS = ['sales', 'newest'] as const;

/** Search results with sort, price range and category; everything lives in the address. */
export function SearchPage() {
  const t = useT();
  const goBack = useBack('/');
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const q = params.get('q') ?? '';
  const sort = (params.get('sort') as Sort | null) ?? 'sales';
  const cat = params.get('cat');
  const min = params.get('min');
  const max = params.get('max');
  const shopId = params.get('shop');
  const [text, setText] = useState(q);
  const [filterOpen, setFilterOpen] = useState(false);
  // Each opening starts from what is applied now.
  const [filterKey, setFilterKey] = useState(0);
  const [history, setHistory] = useState(readHistory);
  useEffect(() => {
    if (shopId && q) track('search', shopId, { query: q.slice(0, 200) });
  }, [shopId, q]);

  const update = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const search = (value: string) => {
    const v = value.trim();
    if (v) {
      remember(v);
      setHistory(readHistory());
    }
    update({ q: v || null });
  };

  const query: BrowseQuery = useMemo(() => {
    const minFen = min ? parseYuan(min) : null;
    const maxFen = max ? parseYuan(max) : null;
    return {
      q: q || undefined,
      sort,
      platformCategoryId: cat ?? undefined,
      minPrice: minFen ?? undefined,
      maxPrice: maxFen ?? undefined,
    };
  }, [q, sort, cat, min, max]);
  const category = findCategory(categories.data, cat);
  const browsing = !!(q || cat || min || max || shopId);
  const filtered = !!(cat || min || max);

  return (
    <div className="qd-search" data-testid="m-search">
      <div className="qd-search-head">
        <button type="button" className="qd-icon-btn" aria-label={t('back')} onClick={goBack}>
          <LeftOutline />
        </button>
        <SearchBar
          className="qd-search-input"
          placeholder={shopId ? t('shop.searchIn') : t('search.placeholder')}
          value={text}
          onChange={setText}
          onSearch={search}
          onClear={() => search('')}
          autoFocus={!browsing}
          style={{ '--border-radius': '18px', '--height': '34px', '--background': '#f5f5f5' }}
          data-testid="search-input"
        />
        <Button size="small" color="primary" shape="rounded" data-testid="search-submit" onClick={() => search(text)}>
          {t('search.go')}
        </Button>
      </div>

      {!browsing ? (
        <div className="qd-search-history">
          {history.length > 0 ? (
            <>
              <div className="qd-search-history-head">
                <span>{t('search.history')}</span>
                <button
                  type="button"
                  className="qd-icon-btn"
                  aria-label={t('search.clearHistory')}
                  onClick={() => {
                    localStorage.removeItem(HISTORY_KEY);
                    setHistory([]);
                  }}
                >
                  <DeleteOutline />
                </button>
              </div>
              <div className="qd-chips">
                {history.map((h) => (
                  <button
                    key={h}
                    type="button"
                    className="qd-chip"
                    onClick={() => {
                      setText(h);
                      search(h);
                    }}
                  >
                    {h}
                  </button>
                ))}
              </div>
            </>
          ) : (
            <Empty title={t('search.hint')} />
          )}
        </div>
      ) : (
        <>
          <div className="qd-sortbar" data-testid="sort-bar">
            {SORTS.map((s) => (
              <button
                key={s}
                type="button"
                className={sort === s ? 'active' : ''}
                onClick={() => update({ sort: s === 'sales' ? null : s })}
              >
                {t(`sort.${s}`)}
              </button>
            ))}
            <button
              type="button"
              data-testid="sort-price"
              className={sort === 'price_asc' || sort === 'price_desc' ? 'active' : ''}
              onClick={() => update({ sort: sort === 'price_asc' ? 'price_desc' : 'price_asc' })}
            >
              {t('sort.price')}
              <span className="qd-sort-arrows">
                <i className={sort === 'price_asc' ? 'on' : ''}>▲</i>
                <i className={sort === 'price_desc' ? 'on' : ''}>▼</i>
              </span>
            </button>
            <button
              type="button"
              className={filtered ? 'active' : ''}
              data-testid="open-filter"
              onClick={() => {
                setFilterKey((k) => k + 1);
                setFilterOpen(true);
              }}
            >
              {t('search.filter')} <FilterOutline />
            </button>
          </div>
          {filtered && (
            <div className="qd-filter-summary">
              {category && <span className="qd-chip on">{category.name}</span>}
              {(min || max) && (
                <span className="qd-chip on">
                  ¥{min || '0'} - {max ? `¥${max}` : t('search.noLimit')}
                </span>
              )}
              <button type="button" className="qd-link" onClick={() => update({ cat: null, min: null, max: null })}>
                {t('search.reset')}
              </button>
            </div>
          )}
          <ProductGrid
            query={query}
            shopId={shopId}
            empty={<Empty title={t('search.none')} description={t('search.noneBody')} />}
          />
        </>
      )}

      <FilterPopup
        key={filterKey}
        open={filterOpen}
        onClose={() => setFilterOpen(false)}
        categories={categories.data ?? []}
        value={{ cat, min, max }}
        onApply={(v) => {
          update(v);
          setFilterOpen(false);
        }}
      />
    </div>
  );
}

function FilterPopup({
  open,
  onClose,
  categories,
  value,
  onApply,
}: {
  open: boolean;
  onClose: () => void;
  categories: CategoryNode[];
  value: { cat: string | null; min: string | null; max: string | null };
  onApply: (v: { cat: string | null; min: string | null; max: string | null }) => void;
}) {
  const t = useT();
  const [cat, setCat] = useState(value.cat);
  const [min, setMin] = useState(value.min ?? '');
  const [max, setMax] = useState(value.max ?? '');
  const [error, setError] = useState<string | null>(null);
  const top = categories.find((c) => c.id === cat || c.children.some((s) => s.id === cat));
  return (
    <Popup visible={open} onMaskClick={onClose} position="right" bodyStyle={{ width: '82vw', maxWidth: 420 }}>
      <div className="qd-filter" data-testid="filter-popup">
        <div className="qd-filter-body">
          <div className="qd-filter-label">{t('search.priceRange')}</div>
          <div className="qd-filter-range">
            <Input
              placeholder={t('search.minPrice')}
              inputMode="decimal"
              value={min}
              onChange={setMin}
              data-testid="filter-min"
            />
            <span>—</span>
            <Input
              placeholder={t('search.maxPrice')}
              inputMode="decimal"
              value={max}
              onChange={setMax}
              data-testid="filter-max"
            />
          </div>
          {error && (
            <div className="qd-field-error" role="alert">
              {error}
            </div>
          )}
          <div className="qd-filter-label">{t('search.category')}</div>
          <Selector
            columns={3}
            options={categories.map((c) => ({ label: c.name, value: c.id }))}
            value={top ? [top.id] : []}
            onChange={(v) => setCat(v[0] ?? null)}
            style={{ '--padding': '8px 4px' }}
          />
          {top && top.children.length > 0 && (
            <>
              <div className="qd-filter-label">{top.name}</div>
              <Selector
                columns={3}
                options={top.children.map((c) => ({ label: c.name, value: c.id }))}
                value={cat && cat !== top.id ? [cat] : []}
                onChange={(v) => setCat(v[0] ?? top.id)}
                style={{ '--padding': '8px 4px' }}
              />
            </>
          )}
        </div>
        <div className="qd-filter-foot">
          <Button
            shape="rounded"
            onClick={() => {
              setCat(null);
              setMin('');
              setMax('');
              setError(null);
            }}
          >
            {t('search.reset')}
          </Button>
          <Button
            shape="rounded"
            color="primary"
            data-testid="filter-apply"
            onClick={() => {
              const lo = min.trim() ? parseYuan(min) : null;
              const hi = max.trim() ? parseYuan(max) : null;
              if ((min.trim() && lo === null) || (max.trim() && hi === null)) return setError(t('search.badPrice'));
              if (lo !== null && hi !== null && lo > hi) return setError(t('search.priceOrder'));
              onApply({ cat, min: min.trim() || null, max: max.trim() || null });
            }}
          >
            {t('confirm')}
          </Button>
        </div>
      </div>
    </Popup>
  );
}
