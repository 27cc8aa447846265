import type { Locale } from '@registration/protocol/catalogue';

// The shell's own labels. The module translates itself; this only covers the frame around it.
const en = {
  productName: 'Decision Platform',
  signInTitle: 'Sign in to Decision Platform',
  signInSubtitle: 'Report platform administration console',
  username: 'User name',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  demoAccounts: 'Demo accounts: admin/admin (administrator), viewer/viewer (read-only)',
  wrongCredentials: 'Wrong user name or password.',
  loginUnavailable: 'Sign-in is unavailable right now. Make sure the platform was started with `pnpm start`.',
  required: 'Enter your user name and password.',
  language: 'Language',
  logout: 'Log out',
  roleAdmin: 'Administrator',
  roleViewer: 'Viewer',
  menu: 'Main menu',
  menuToggle: 'Menu',
  skipToContent: 'Skip to main content',
  breadcrumb: 'Breadcrumb',
  home: 'Home',
  directoryManagement: 'Directory Management',
  systemManagement: 'System Management',
  userManagement: 'User Management',
  permissionManagement: 'Permission Management',
  registrationManagement: 'Registration Management',
  scheduling: 'Scheduling',
  appearance: 'Appearance',
  notInDemo: 'Not available in this demo',
  welcomeTitle: 'Welcome, {{name}}',
  welcomeText: 'Open System Management > Registration Management to register this report server.',
  goToRegistration: 'Go to registration',
  moduleLoading: 'Loading the registration module…',
  moduleFailed: 'The registration module could not be loaded.',
} as const;

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  productName: '决策平台',
  signInTitle: '登录决策平台',
  signInSubtitle: '报表平台管理控制台',
  username: '用户名',
  password: '密码',
  signIn: '登录',
  signingIn: '正在登录…',
  demoAccounts: '演示账号：admin/admin（管理员），viewer/viewer（只读用户）',
  wrongCredentials: '用户名或密码错误。',
  loginUnavailable: '暂时无法登录，请确认平台已通过 `pnpm start` 启动。',
  required: '请输入用户名和密码。',
  language: '语言',
  logout: '退出登录',
  roleAdmin: '管理员',
  roleViewer: '只读用户',
  menu: '主菜单',
  menuToggle: '菜单',
  skipToContent: '跳到主要内容',
  breadcrumb: '当前位置',
  home: '首页',
  directoryManagement: '目录管理',
  systemManagement: '系统管理',
  userManagement: '用户管理',
  permissionManagement: '权限管理',
  registrationManagement: '注册管理',
  scheduling: '定时调度',
  appearance: '外观配置',
  notInDemo: '演示版未提供此功能',
  welcomeTitle: '欢迎，{{name}}',
  welcomeText: '进入 系统管理 > 注册管理 为本报表服务器注册。',
  goToRegistration: '前往注册',
  moduleLoading: '正在加载注册管理模块…',
  moduleFailed: '注册管理模块加载失败。',
};

const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/** Translator for the shell's labels; `{{x}}` placeholders are filled from params. */
export type Translate = (key: MessageKey, params?: Record<string, string>) => string;

/** A translator bound to one locale. */
export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, params) => dict[key].replace(/\{\{(\w+)\}\}/g, (_, p: string) => params?.[p] ?? '');
}
