import { Space, Tag, Timeline, Typography } from 'antd';
import { useT } from '../../i18n';
import { explain, type Step } from './api';

const OUTCOME_COLOR = { applied: 'green', skipped: 'default', info: 'blue' } as const;

/** The name of a step: a rule's name, or what kind of step it was. */
export function stepTitle(t: ReturnType<typeof useT>, rule: string): string {
  const name = explain(t, `rule.${rule}`);
  return name !== `rule.${rule}` ? name : explain(t, `step.${rule}`);
}

/** A routing explanation step by step: what each rule kept and dropped, and why. */
export function ExplanationSteps({ steps, testId }: { steps: Step[]; testId?: string }) {
  const t = useT();
  const km = (d: number | null) => (d === null ? '' : ` · ${d} km`);
  return (
    <Timeline
      data-testid={testId}
      items={steps.map((s, i) => ({
        key: `${s.rule}-${i}`,
        color: s.outcome === 'applied' ? 'green' : s.outcome === 'info' ? 'blue' : 'gray',
        content: (
          <div className="qd-route-step" data-testid="route-step" data-rule={s.rule} data-outcome={s.outcome}>
            <Space size={8} wrap>
              <Typography.Text strong>{stepTitle(t, s.rule)}</Typography.Text>
              <Tag color={OUTCOME_COLOR[s.outcome]}>{t(`outcome.${s.outcome}`)}</Tag>
            </Space>
            <div data-testid="route-why">{explain(t, s.why.code, s.why.params)}</div>
            {s.kept.length || s.dropped.length ? (
              <div className="qd-sub" style={{ marginTop: 4 }}>
                <div>
                  {t('dry.kept')}
                  {s.kept.length
                    ? s.kept.map((k) => (
                        <Tag key={k.locationId} color="green" style={{ marginBottom: 4 }}>
                          {k.name}
                          {km(k.distanceKm)}
                        </Tag>
                      ))
                    : t('dry.none')}
                </div>
                {s.dropped.length ? (
                  <div>
                    {t('dry.dropped')}
                    {s.dropped.map((d) => (
                      <Tag key={d.locationId} style={{ marginBottom: 4 }}>
                        {d.name}
                        {km(d.distanceKm)} — {explain(t, d.reason)}
                      </Tag>
                    ))}
                  </div>
                ) : null}
              </div>
            ) : null}
          </div>
        ),
      }))}
    />
  );
}
