import type { RefObject } from 'react';
import type { MessageKey, Translate } from '../lib/messages.ts';
import { isUnder } from '../lib/hash-route.ts';

/** Route of the embedded registration module. */
export const REGISTRATION_PATH = '/system/registration';

interface Item {
  label: MessageKey;
  icon: string;
  /** Absent: a placeholder that makes the console look whole but is not part of the demo. */
  path?: string;
}
interface Group {
  label: MessageKey;
  icon: string;
  items: Item[];
}

const MENU: (Item | Group)[] = [
  { label: 'home', icon: '⌂', path: '/' },
  { label: 'directoryManagement', icon: '▤' },
  {
    label: 'systemManagement',
    icon: '⚙',
    items: [
      { label: 'userManagement', icon: '' },
      { label: 'permissionManagement', icon: '' },
      { label: 'scheduling', icon: '' },
      { label: 'appearance', icon: '' },
      { label: 'registrationManagement', icon: '', path: REGISTRATION_PATH },
    ],
  },
];

function active(path: string, itemPath: string): boolean {
  return itemPath === '/' ? path === '/' : isUnder(path, itemPath);
}

interface MenuItemProps {
  item: Item;
  path: string;
  t: Translate;
  onChoose: () => void;
  nested?: boolean;
}

function MenuItem({ item, path, t, onChoose, nested }: MenuItemProps) {
  const cls = `dp-menu__item${nested ? ' dp-menu__item--nested' : ''}`;
  const content = (
    <>
      {!nested && <span className="dp-menu__icon" aria-hidden="true">{item.icon}</span>}
      {t(item.label)}
    </>
  );
  if (!item.path) {
    return (
      <li>
        <span className={`${cls} dp-menu__item--disabled`} aria-disabled="true" title={t('notInDemo')}>
          {content}
        </span>
      </li>
    );
  }
  const current = active(path, item.path);
  return (
    <li>
      <a className={cls} href={`#${item.path}`} aria-current={current ? 'page' : undefined} onClick={onChoose}>
        {content}
      </a>
    </li>
  );
}

export interface SideMenuProps {
  id: string;
  path: string;
  t: Translate;
  /** Narrow screens: shown as a drawer over the page. Wide screens show the menu either way. */
  open: boolean;
  /** An item was chosen (the drawer closes). */
  onChoose: () => void;
  navRef: RefObject<HTMLElement | null>;
}

/** The left navigation: Home, and System Management > Registration Management. */
export function SideMenu({ id, path, t, open, onChoose, navRef }: SideMenuProps) {
  return (
    <nav
      id={id}
      ref={navRef}
      className={`dp-menu${open ? ' dp-menu--open' : ''}`}
      aria-label={t('menu')}
    >
      <ul className="dp-menu__list">
        {MENU.map((entry) =>
          'items' in entry ? (
            <li key={entry.label} className="dp-menu__group">
              <span className="dp-menu__heading">
                <span className="dp-menu__icon" aria-hidden="true">{entry.icon}</span>
                {t(entry.label)}
              </span>
              <ul className="dp-menu__list">
                {entry.items.map((item) => (
                  <MenuItem key={item.label} item={item} path={path} t={t} onChoose={onChoose} nested />
                ))}
              </ul>
            </li>
          ) : (
            <MenuItem key={entry.label} item={entry} path={path} t={t} onChoose={onChoose} />
          ),
        )}
      </ul>
    </nav>
  );
}
