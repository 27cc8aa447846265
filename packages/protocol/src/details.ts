import type { Locale } from './locale.ts';

/**
 * The `detail` of a reason says which check failed inside a catalogue entry ("the lease is for another
 * node"). It travels as a code, never as a sentence, so that every party shows it in its reader's
 * language: `{ detail: 'lease.otherNode' }`. Values a detail names travel beside it as params of their
 * own (`httpStatus`, `fields`, `limit`, `errno`). A detail that is not a code here (an older peer's
 * English, a raw TLS or errno code) is shown as it came: a value, not text of ours.
 */
export const DETAILS = {
  // An uploaded or configured file
  'file.notText': { en: 'the file is not text', 'zh-CN': '文件不是文本' },
  'file.tooLarge': { en: 'the file is larger than {{limit|size}}', 'zh-CN': '文件超过 {{limit|size}}' },
  'file.empty': { en: 'the file is empty', 'zh-CN': '文件为空' },
  'file.notFound': { en: 'the file does not exist', 'zh-CN': '文件不存在' },
  'file.notJson': { en: 'the file is not valid JSON', 'zh-CN': '文件不是有效的 JSON' },
  'file.unreadable': { en: 'the file cannot be read ({{errno}})', 'zh-CN': '文件无法读取（{{errno}}）' },
  // A signed document: a Container.lic, a server license, a lease
  'document.malformed': { en: 'the file is not a signed license document', 'zh-CN': '文件不是经过签名的授权文档' },
  'document.algorithm': { en: 'its signature algorithm or a header is not allowed', 'zh-CN': '签名算法或文件头不被允许' },
  'document.signature.vendor': { en: 'its signature does not verify with the vendor key', 'zh-CN': '签名无法用供应商公钥验证' },
  'document.signature.server': { en: 'its signature does not verify with the license server’s key', 'zh-CN': '签名无法用授权服务器的公钥验证' },
  'document.type': { en: 'it is another kind of document', 'zh-CN': '文档类型不符' },
  'document.payload': { en: 'its content does not match the expected format (fields: {{fields}})', 'zh-CN': '内容与规定的格式不符（字段：{{fields}}）' },
  'document.unverifiable': { en: 'the file cannot be verified', 'zh-CN': '文件无法验证' },
  // A lease the license server answered with
  'lease.otherLicense': { en: 'the lease belongs to another license', 'zh-CN': '该租约属于另一个授权' },
  'lease.otherNode': { en: 'the lease is for another node', 'zh-CN': '该租约属于另一个节点' },
  'lease.nonce': { en: 'the lease answers another request (nonce mismatch)', 'zh-CN': '租约与本次请求不对应（随机数不一致）' },
  'lease.otherKey': { en: 'the lease is bound to another node key', 'zh-CN': '租约绑定的是另一个节点密钥' },
  'lease.unbound': { en: 'the lease is not bound to a node key', 'zh-CN': '租约没有绑定节点密钥' },
  'lease.expired': { en: 'the lease has already expired', 'zh-CN': '租约已过期' },
  'lease.keyExchange': { en: 'the lease key cannot be derived from the answer', 'zh-CN': '无法从应答中得出租约密钥' },
  // The license server's check of a node's proof
  'proof.legacyLease': {
    en: 'the lease was granted before node keys and cannot be renewed; register again',
    'zh-CN': '该租约签发于启用节点密钥之前，无法续期，请重新注册',
  },
  'proof.heartbeat': { en: 'the heartbeat is not proven with this lease’s key', 'zh-CN': '心跳未使用该租约的密钥证明' },
  'proof.heartbeatScheme': { en: 'a heartbeat must be proven with the lease key', 'zh-CN': '心跳必须使用租约密钥证明' },
  'proof.replay': {
    en: 'the request is not newer than the last one of this lease (replayed?)',
    'zh-CN': '该请求不比此租约的上一个请求新（可能是重放）',
  },
  'proof.register': { en: 'the registration is not signed with the node key it names', 'zh-CN': '注册请求未使用其声明的节点密钥签名' },
  'proof.deregister': { en: 'the deregistration is not proven with this lease’s key', 'zh-CN': '注销请求未使用该租约的密钥证明' },
  'proof.deregisterSignature': {
    en: 'the deregistration is not signed with the key this lease is bound to',
    'zh-CN': '注销请求未使用该租约绑定的密钥签名',
  },
  // What came back from a license-server address
  'answer.notJson': { en: 'the HTTP {{httpStatus}} answer is not JSON', 'zh-CN': 'HTTP {{httpStatus}} 应答不是 JSON' },
  'answer.serverError': { en: 'the license server answered HTTP {{httpStatus}}', 'zh-CN': '授权服务器返回 HTTP {{httpStatus}}' },
  'answer.notRefusal': {
    en: 'the HTTP {{httpStatus}} answer is not a license server’s refusal',
    'zh-CN': 'HTTP {{httpStatus}} 应答不是授权服务器的拒绝应答',
  },
  'answer.noLease': { en: 'the answer carries no server license and lease', 'zh-CN': '应答中没有服务器授权和租约' },
  'answer.notDeregister': {
    en: 'the HTTP {{httpStatus}} answer to the deregistration is not a license server’s answer',
    'zh-CN': '对注销请求的 HTTP {{httpStatus}} 应答不是授权服务器的应答',
  },
  'answer.noIdentity': {
    en: 'GET /api/v1/info answered HTTP {{httpStatus}} without a license server’s identity',
    'zh-CN': 'GET /api/v1/info 返回 HTTP {{httpStatus}}，其中没有授权服务器的身份信息',
  },
  'answer.tooLarge': { en: 'the answer is larger than {{limit|size}}', 'zh-CN': '应答超过 {{limit|size}}' },
  // The network under an exchange (errno is Node's code, e.g. ECONNRESET)
  'network.reset': { en: 'the connection was reset ({{errno}})', 'zh-CN': '连接被重置（{{errno}}）' },
  'network.closed': { en: 'the connection was closed before the answer ({{errno}})', 'zh-CN': '连接在应答前被关闭（{{errno}}）' },
  'network.hostUnreachable': { en: 'there is no route to the host ({{errno}})', 'zh-CN': '没有到该主机的路由（{{errno}}）' },
  'network.networkUnreachable': { en: 'the network is unreachable ({{errno}})', 'zh-CN': '网络不可达（{{errno}}）' },
  'network.other': { en: 'network error {{errno}}', 'zh-CN': '网络错误 {{errno}}' },
  // Why TLS did not accept a certificate (OpenSSL's verify codes)
  'tls.selfSigned': { en: 'the certificate is self-signed', 'zh-CN': '证书为自签名证书' },
  'tls.selfSignedInChain': { en: 'a certificate in the chain is self-signed', 'zh-CN': '证书链中有自签名证书' },
  'tls.leafUnverified': { en: 'the certificate’s issuer is not trusted', 'zh-CN': '证书的签发者不受信任' },
  'tls.issuerMissing': { en: 'the issuer’s certificate was not found', 'zh-CN': '找不到签发者的证书' },
  'tls.issuerNotTrusted': { en: 'the issuer’s certificate is not among the trusted CAs', 'zh-CN': '签发者的证书不在受信任的 CA 中' },
  'tls.untrusted': { en: 'the certificate is not trusted', 'zh-CN': '证书不受信任' },
  'tls.badSignature': { en: 'the certificate’s signature does not verify', 'zh-CN': '证书签名无法验证' },
  'tls.expired': { en: 'the certificate has expired', 'zh-CN': '证书已过期' },
  'tls.notYetValid': { en: 'the certificate is not yet valid', 'zh-CN': '证书尚未生效' },
  // A license-server bundle or state file found at start-up
  'bundle.v1': {
    en: 'it is bundle format 1, which carries its activation secret (anyone holding the file could compute activation codes); ask the vendor to re-issue the bundle (vendor issue-server), the terms stay the same',
    'zh-CN': '它是第 1 版证书包，其中含有激活密钥（任何持有该文件的人都能算出激活验证码）；请联系供应商重新签发（vendor issue-server），授权条款不变',
  },
  'bundle.notBundle': { en: 'it is not a license-server bundle (fields: {{fields}})', 'zh-CN': '它不是授权服务器证书包（字段：{{fields}}）' },
  'bundle.keyMismatch': {
    en: 'the bundled server private key is not the key the server license certifies',
    'zh-CN': '证书包中的服务器私钥不是服务器授权所认证的密钥',
  },
  'state.unexpected': { en: 'unexpected content in {{fields}}', 'zh-CN': '{{fields}} 中的内容不符合预期' },
} as const satisfies Record<string, Record<Locale, string>>;

export type DetailCode = keyof typeof DETAILS;
export const DETAIL_CODES = Object.keys(DETAILS) as DetailCode[];

/** Whether a detail is one of ours (else it is a value shown as it came). */
export function isDetailCode(value: unknown): value is DetailCode {
  return typeof value === 'string' && Object.hasOwn(DETAILS, value);
}

/** The params that name `code`, with the values its text refers to. */
export function detail(code: DetailCode, values: Record<string, string | number> = {}): { detail: DetailCode } & Record<string, string | number> {
  return { ...values, detail: code };
}

/** The detail's template in `locale`, or null when it is not a code of ours. */
export function detailTemplate(value: unknown, locale: Locale): string | null {
  return isDetailCode(value) ? DETAILS[value][locale] : null;
}
