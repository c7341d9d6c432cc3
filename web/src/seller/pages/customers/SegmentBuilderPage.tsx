import { App, Button, Card, Col, Form, Input, Row, Spin, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { emptyRule, isComplete, RuleBuilder } from './RuleBuilder';
import { type Rule, usePreview, useSaveSegment, useSegment, useTags } from './queries';

type Group = Extract<Rule, { kind: 'and' | 'or' }>;

/** Waits until the value has stopped changing for `ms` (the live count asks once per pause). */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The segment builder: conditions on the left, the live count on the right. */
export function SegmentBuilderPage() {
  const { shop } = useCurrentShop();
  const { segmentId } = useParams();
  const existing = useSegment(shop.id, segmentId);
  if (segmentId && existing.isError)
    return <ShopError error={existing.error} shopId={shop.id} onRetry={() => void existing.refetch()} />;
  if (segmentId && !existing.data) return <Spin />;
  const r = existing.data?.rule;
  const initial: Group = !r ? emptyRule() : r.kind === 'and' || r.kind === 'or' ? r : { kind: 'and', rules: [r] };
  return (
    <Builder
      key={segmentId ?? 'new'}
      segmentId={segmentId}
      initialRule={initial}
      initialName={existing.data?.name ?? ''}
    />
  );
}

function Builder({
  segmentId,
  initialRule,
  initialName,
}: {
  segmentId?: string;
  initialRule: Group;
  initialName: string;
}) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const tags = useTags(shop.id);
  const [rule, setRule] = useState<Group>(initialRule);
  const [name, setName] = useState(initialName);
  const ready = isComplete(rule);
  const debounced = useDebounced(ready ? rule : null, 400);
  const preview = usePreview(shop.id, debounced);
  const save = useSaveSegment(shop.id);

  if (tags.isError) return <ShopError error={tags.error} shopId={shop.id} onRetry={() => void tags.refetch()} />;
  const count = preview.data?.count;
  const total = preview.data?.total ?? 0;
  const problem = preview.error as (Error & { problem?: { errors?: { field: string; message: string }[] } }) | null;

  return (
    <div data-testid="segment-builder">
      <PageHeader title={segmentId ? t('builder.editTitle') : t('builder.title')} subtitle={t('builder.sub')} />
      <Row gutter={16}>
        <Col xs={24} lg={17}>
          {tags.data ? <RuleBuilder value={rule} onChange={setRule} tags={tags.data} /> : <Spin />}
        </Col>
        <Col xs={24} lg={7}>
          <Card>
            <Statistic
              title={t('builder.count')}
              value={ready && count !== undefined ? count : '—'}
              valueRender={(node) => <span data-testid="segment-count">{node}</span>}
              loading={ready && preview.isFetching && count === undefined}
            />
            <Typography.Paragraph type="secondary" data-testid="segment-share">
              {!ready
                ? t('builder.emptyRule')
                : preview.isFetching
                  ? t('builder.counting')
                  : t('builder.ofTotal', {
                      total: total.toLocaleString(),
                      share: total ? `${(((count ?? 0) / total) * 100).toFixed(1)}%` : '0%',
                    })}
            </Typography.Paragraph>
            {problem ? (
              <Typography.Paragraph type="danger" data-testid="segment-error">
                {problem.message}
                {(problem.problem?.errors ?? []).map((e) => (
                  <div key={e.field}>
                    {e.field}: {e.message}
                  </div>
                ))}
              </Typography.Paragraph>
            ) : null}
            <Form layout="vertical">
              <Form.Item label={t('builder.name')} required>
                <Input
                  data-testid="segment-name"
                  value={name}
                  maxLength={40}
                  onChange={(e) => setName(e.target.value)}
                />
              </Form.Item>
              <Button
                type="primary"
                block
                data-testid="segment-save"
                disabled={!ready || !name.trim()}
                loading={save.isPending}
                onClick={() =>
                  save.mutate(
                    { id: segmentId, name: name.trim(), rule },
                    {
                      onSuccess: (s) => {
                        void message.success(t('builder.saved'));
                        navigate(`/shops/${shop.id}/customer-segments?highlight=${s.id}`);
                      },
                      onError: (e) => void message.error((e as Error).message),
                    },
                  )
                }
              >
                {t('builder.save')}
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
