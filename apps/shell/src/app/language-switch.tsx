import type { Locale } from '@registration/protocol/catalogue';

// Each language is named in itself, so a reader of either can find theirs.
const OPTIONS: { locale: Locale; label: string }[] = [
  { locale: 'zh-CN', label: '简体中文' },
  { locale: 'en', label: 'English' },
];

/** "简体中文 | English" toggle. */
export function LanguageSwitch(props: { locale: Locale; onChange: (locale: Locale) => void; label: string }) {
  return (
    <div className="dp-lang" role="group" aria-label={props.label}>
      {OPTIONS.map((o, i) => (
        <span key={o.locale} className="dp-lang__item">
          {i > 0 && <span className="dp-lang__sep" aria-hidden="true">|</span>}
          <button
            type="button"
            lang={o.locale}
            className="dp-lang__button"
            aria-pressed={props.locale === o.locale}
            onClick={() => props.onChange(o.locale)}
          >
            {o.label}
          </button>
        </span>
      ))}
    </div>
  );
}
