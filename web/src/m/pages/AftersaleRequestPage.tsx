import { Button, Checkbox, Form, Input, Selector, Stepper, TextArea, Toast } from 'antd-mobile';
import { useMemo, useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorMessage, formFieldErrors } from '../../api/errors';
import { useOrder, useRequestAftersale, type AftersaleBody } from '../api';
import { BottomBar, Img, LoadFailed, Loading, PageBar, Price } from '../components';
import { parseYuan, yuan } from '../format';
import { useT, type MKey } from '../i18n';
import { ErrorNotice } from './LoginPage';
import { aftersalesOpen } from './OrdersPage';

const REASONS: MKey[] = [
  'aftersale.reason.changedMind',
  'aftersale.reason.wrongItem',
  'aftersale.reason.quality',
  'aftersale.reason.notAsDescribed',
  'aftersale.reason.missing',
  'aftersale.reason.late',
];

interface LineChoice {
  on: boolean;
  quantity: number;
  /** Yuan as typed; empty means the full price of the quantity. */
  amount: string;
}

/** Ask for a refund (or a return and refund) on lines of an order. */
export function AftersaleRequestPage() {
  const { shopId = '', orderId = '' } = useParams();
  const t = useT();
  const navigate = useNavigate();
  const order = useOrder(shopId, orderId);
  const request = useRequestAftersale();
  const [form] = Form.useForm<{
    type: AftersaleBody['type'][];
    reason: string[];
    other?: string;
    description?: string;
  }>();
  const [choices, setChoices] = useState<Record<number, LineChoice>>({});
  const [error, setError] = useState<string | null>(null);
  const [lineErrors, setLineErrors] = useState<Record<number, string[]>>({});
  const [reason, setReason] = useState<string | null>(null);

  const lines = useMemo(() => order.data?.lines ?? [], [order.data]);
  const choice = (lineNo: number): LineChoice => {
    const line = lines.find((l) => l.lineNo === lineNo)!;
    return choices[lineNo] ?? { on: lines.length === 1, quantity: line.quantity, amount: '' };
  };

  if (order.isPending) return <Loading />;
  if (order.isError) {
    return (
      <div>
        <PageBar title={t('aftersale.requestTitle')} back="/orders" />
        <LoadFailed error={order.error} onRetry={() => void order.refetch()} />
      </div>
    );
  }
  const o = order.data;
  if (!aftersalesOpen(o.status)) return <Navigate to={`/orders/${shopId}/${orderId}`} replace />;
  const canReturn = o.status !== 'paid';
  const picked = lines.filter((l) => choice(l.lineNo).on);
  const amountOf = (lineNo: number) => {
    const c = choice(lineNo);
    const line = lines.find((l) => l.lineNo === lineNo)!;
    return c.amount.trim() ? parseYuan(c.amount) : line.unitPrice * c.quantity;
  };
  // Nothing shipped and everything asked back in full: the shipping fee goes back too.
  const whole =
    o.status === 'paid' &&
    lines.every(
      (l) => choice(l.lineNo).on && choice(l.lineNo).quantity === l.quantity && !choice(l.lineNo).amount.trim(),
    );
  const shippingBack = whole ? o.shippingFee : 0;
  const total = picked.reduce((n, l) => n + (amountOf(l.lineNo) ?? 0), 0) + shippingBack;
  const update = (lineNo: number, patch: Partial<LineChoice>) => {
    setChoices((c) => ({ ...c, [lineNo]: { ...choice(lineNo), ...patch } }));
    setLineErrors((e) => ({ ...e, [lineNo]: [] }));
  };

  const submit = (values: {
    type: AftersaleBody['type'][];
    reason: string[];
    other?: string;
    description?: string;
  }) => {
    setError(null);
    setLineErrors({});
    const type = values.type[0] ?? 'refund_only';
    const reasonText = reason === 'other' ? (values.other ?? '').trim() : reason ? t(reason as MKey) : '';
    if (picked.length === 0) return setError(t('aftersale.pickLines'));
    const bad = picked.filter((l) => amountOf(l.lineNo) === null);
    if (bad.length) {
      setLineErrors(Object.fromEntries(bad.map((l) => [l.lineNo, [t('search.badPrice')]])));
      return;
    }
    const body: AftersaleBody = {
      type,
      reason: reasonText,
      description: values.description?.trim() || undefined,
      lines: picked.map((l) => {
        const c = choice(l.lineNo);
        return c.amount.trim()
          ? { lineNo: l.lineNo, quantity: c.quantity, amount: parseYuan(c.amount)! }
          : { lineNo: l.lineNo, quantity: c.quantity };
      }),
    };
    request.mutate(
      { shopId, orderId, body },
      {
        onSuccess: (c) => {
          Toast.show({ icon: 'success', content: t('aftersale.submitted') });
          navigate(`/aftersales/${c.shopId}/${c.id}`, { replace: true });
        },
        onError: (e) => {
          setError(errorMessage(e));
          if (!(e instanceof ApiError)) return;
          // Field errors on lines name the position in the request's lines: map back to the order's line.
          const perLine: Record<number, string[]> = {};
          for (const f of e.fieldErrors) {
            const m = /^body\.lines\.(\d+)\./.exec(f.field);
            const line = m ? picked[Number(m[1])] : undefined;
            if (line) perLine[line.lineNo] = [...(perLine[line.lineNo] ?? []), f.message];
          }
          setLineErrors(perLine);
          form.setFields(
            formFieldErrors(e, { reason: reason === 'other' ? 'other' : 'reason' }).filter(
              (f) => f.name[0] !== 'lines',
            ),
          );
        },
      },
    );
  };

  return (
    <div className="qd-aftersale-form" data-testid="m-aftersale-request">
      <PageBar title={t('aftersale.requestTitle')} back={`/orders/${shopId}/${orderId}`} />
      <ErrorNotice message={error} />
      <div className="qd-panel">
        <div className="qd-panel-head">
          <b>{t('aftersale.pickLines')}</b>
        </div>
        {lines.map((l) => {
          const c = choice(l.lineNo);
          const errs = lineErrors[l.lineNo] ?? [];
          return (
            <div key={l.lineNo} className="qd-aftersale-line" data-testid="aftersale-line">
              <div className="qd-line">
                <Checkbox
                  checked={c.on}
                  onChange={(on) => update(l.lineNo, { on })}
                  style={{ '--icon-size': '20px' }}
                  aria-label={l.title}
                />
                <Img url={l.imageUrl} size={200} className="qd-line-img" />
                <div className="qd-line-main">
                  <div className="qd-line-title">{l.title}</div>
                  {l.specText && <div className="qd-line-spec">{l.specText}</div>}
                  <div className="qd-line-foot">
                    <Price fen={l.unitPrice} size="sm" color="#333" />
                    <span className="qd-line-qty">×{l.quantity}</span>
                  </div>
                </div>
              </div>
              {c.on && (
                <div className="qd-aftersale-line-edit">
                  <div className="qd-kv">
                    <span>{t('aftersale.quantity')}</span>
                    <Stepper
                      min={1}
                      max={l.quantity}
                      value={c.quantity}
                      onChange={(quantity) => update(l.lineNo, { quantity })}
                      data-testid="aftersale-quantity"
                    />
                  </div>
                  <div className="qd-kv qd-kv-input">
                    <span>{t('aftersale.amount')}</span>
                    <Input
                      inputMode="decimal"
                      placeholder={t('aftersale.amountUpTo', { amount: yuan(l.unitPrice * c.quantity) })}
                      value={c.amount}
                      onChange={(amount) => update(l.lineNo, { amount })}
                      style={{ '--text-align': 'right', '--font-size': '14px' }}
                      data-testid="aftersale-amount"
                    />
                  </div>
                  {errs.map((m) => (
                    <div key={m} className="qd-field-error" role="alert">
                      {m}
                    </div>
                  ))}
                </div>
              )}
            </div>
          );
        })}
      </div>

      <Form
        form={form}
        layout="vertical"
        mode="card"
        requiredMarkStyle="none"
        initialValues={{ type: ['refund_only'], reason: [] }}
        onFinish={submit}
        footer={null}
      >
        <Form.Item
          name="type"
          label={t('aftersale.type')}
          rules={[{ required: true, message: t('aftersale.pickType') }]}
        >
          <Selector
            columns={2}
            showCheckMark={false}
            options={[
              {
                label: t('aftersale.type.refund_only'),
                description: t('aftersale.type.refund_onlyHint'),
                value: 'refund_only',
              },
              {
                label: t('aftersale.type.return_refund'),
                description: canReturn ? t('aftersale.type.return_refundHint') : t('aftersale.type.notShipped'),
                value: 'return_refund',
                disabled: !canReturn,
              },
            ]}
            data-testid="aftersale-type"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('aftersale.reason')}
          rules={[{ required: true, message: t('aftersale.pickReason') }]}
        >
          <Selector
            columns={2}
            showCheckMark={false}
            options={[...REASONS, 'other' as const].map((k) => ({
              label: k === 'other' ? t('aftersale.reason.other') : t(k),
              value: k,
            }))}
            onChange={(v) => setReason(v[0] ?? null)}
            data-testid="aftersale-reason"
          />
        </Form.Item>
        {reason === 'other' && (
          <Form.Item
            name="other"
            label={t('aftersale.reason.otherLabel')}
            rules={[{ required: true, min: 2, message: t('aftersale.reason.otherHint') }]}
          >
            <Input placeholder={t('aftersale.reason.otherHint')} maxLength={100} />
          </Form.Item>
        )}
        <Form.Item name="description" label={t('aftersale.description')}>
          <TextArea
            placeholder={t('aftersale.descriptionPlaceholder')}
            maxLength={500}
            showCount
            autoSize={{ minRows: 3 }}
          />
        </Form.Item>
      </Form>

      <BottomBar className="qd-submitbar">
        <span className="qd-submitbar-total">
          {t('aftersale.refundTotal')}
          <Price fen={total} size="lg" testId="aftersale-total" />
          {shippingBack > 0 && (
            <small className="qd-m-muted">{t('aftersale.withShipping', { amount: yuan(shippingBack) })}</small>
          )}
        </span>
        <Button
          color="primary"
          shape="rounded"
          className="qd-submit-btn"
          loading={request.isPending}
          data-testid="aftersale-submit"
          onClick={() => form.submit()}
        >
          {t('aftersale.submit')}
        </Button>
      </BottomBar>
    </div>
  );
}
