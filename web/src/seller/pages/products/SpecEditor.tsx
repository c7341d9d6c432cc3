import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, type InputRef, Space, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useT } from '../../i18n';

export const MAX_AXES = 3;
export const MAX_VALUES = 30;

/** Spec values as chips: type a value and press Enter (or a comma) to add it; × removes it. */
export function ValuesInput({
  value = [],
  onChange,
  placeholder,
  ariaLabel,
  disabled,
  testId,
}: {
  value?: string[];
  onChange?: (values: string[]) => void;
  placeholder?: string;
  ariaLabel?: string;
  disabled?: boolean;
  testId?: string;
}) {
  const [text, setText] = useState('');
  const input = useRef<InputRef>(null);
  const add = (raw: string) => {
    const parts = raw
      .split(/[,，;；]/)
      .map((p) => p.trim())
      .filter(Boolean);
    const next = [...value];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== value.length) onChange?.(next);
    setText('');
  };
  return (
    <div
      className={`qd-values-input${disabled ? ' is-disabled' : ''}`}
      onClick={() => input.current?.focus()}
      data-testid={testId}
    >
      {value.map((v) => (
        <Tag
          key={v}
          closable={!disabled}
          onClose={(e) => {
            e.preventDefault();
            onChange?.(value.filter((x) => x !== v));
          }}
          style={{ marginInlineEnd: 0 }}
        >
          {v}
        </Tag>
      ))}
      <Input
        ref={input}
        variant="borderless"
        size="small"
        disabled={disabled}
        value={text}
        aria-label={ariaLabel}
        placeholder={value.length ? undefined : placeholder}
        style={{ flex: 1, minWidth: 120, padding: '0 4px' }}
        maxLength={30}
        onChange={(e) => {
          const v = e.target.value;
          if (/[,，;；]/.test(v)) add(v);
          else setText(v);
        }}
        onPressEnter={(e) => {
          e.preventDefault();
          add(text);
        }}
        onBlur={() => text.trim() && add(text)}
        onKeyDown={(e) => {
          if (e.key === 'Backspace' && !text && value.length) onChange?.(value.slice(0, -1));
        }}
      />
    </div>
  );
}

/** The spec axes (up to three, e.g. 颜色 and 尺码), each with its values. */
export function SpecAxesEditor({ disabled }: { disabled?: boolean }) {
  const t = useT();
  return (
    <Form.List name="specAxes">
      {(fields, { add, remove }, { errors }) => (
        <div data-testid="spec-axes">
          {fields.map((field, index) => (
            <div key={field.key} className="qd-axis-row" data-testid="spec-axis">
              <Form.Item
                name={[field.name, 'name']}
                style={{ width: 180, marginBottom: 0 }}
                validateTrigger={['onBlur', 'onSubmit']}
                rules={[
                  { required: true, whitespace: true, message: t('editor.axisNameRequired') },
                  { max: 20, message: t('editor.axisNameMax') },
                  ({ getFieldValue }) => ({
                    validator: (_, v?: string) => {
                      const names = ((getFieldValue('specAxes') ?? []) as { name?: string }[]).map((a) =>
                        a?.name?.trim(),
                      );
                      return v && names.filter((n) => n === v.trim()).length > 1
                        ? Promise.reject(new Error(t('editor.axisNameDuplicate')))
                        : Promise.resolve();
                    },
                  }),
                ]}
              >
                <Input
                  placeholder={t('editor.axisNamePlaceholder')}
                  aria-label={t('editor.axisNameLabel', { n: index + 1 })}
                  maxLength={20}
                  prefix={<span className="qd-axis-prefix">{t('editor.axisN', { n: index + 1 })}</span>}
                />
              </Form.Item>
              <Form.Item
                name={[field.name, 'values']}
                style={{ flex: 1, marginBottom: 0 }}
                rules={[
                  {
                    validator: (_, v?: string[]) =>
                      !v || v.length === 0
                        ? Promise.reject(new Error(t('editor.axisValuesRequired')))
                        : v.length > MAX_VALUES
                          ? Promise.reject(new Error(t('editor.axisValuesMax', { n: MAX_VALUES })))
                          : Promise.resolve(),
                  },
                ]}
              >
                <ValuesInput
                  disabled={disabled}
                  placeholder={t('editor.axisValuesPlaceholder')}
                  ariaLabel={t('editor.axisValuesLabel', { n: index + 1 })}
                  testId={`axis-values-${index}`}
                />
              </Form.Item>
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('editor.removeAxis')}
                onClick={() => remove(field.name)}
              />
            </div>
          ))}
          <Form.ErrorList errors={errors} />
          <Space align="center">
            <Button
              icon={<PlusOutlined />}
              disabled={fields.length >= MAX_AXES}
              onClick={() => add({ name: '', values: [] })}
              data-testid="add-axis"
            >
              {t('editor.addAxis')}
            </Button>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('editor.axisHint', { n: MAX_AXES })}
            </Typography.Text>
          </Space>
        </div>
      )}
    </Form.List>
  );
}
