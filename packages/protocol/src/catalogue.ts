/**
 * The error catalogue (DESIGN.md §4): every failure a user can meet, with its code, the HTTP status
 * the BFF answers with, and zh-CN / en text. `{{name}}` placeholders are filled from a reason's params.
 */

import { detailTemplate } from './details.ts';
import type { Locale } from './locale.ts';

export { LOCALES, type Locale } from './locale.ts';

export interface CatalogueText {
  title: string;
  explanation: string;
  troubleshooting: string[];
}

export interface CatalogueEntry {
  code: number;
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429 | 500 | 502 | 503 | 504;
  text: Record<Locale, CatalogueText>;
}

const catalogue = {
  JSON_PARSER_ERROR: {
    code: 10000,
    status: 400,
    text: {
      'zh-CN': {
        title: '数据格式错误',
        explanation: '请求内容不是有效的 JSON，授权服务器无法解析。',
        troubleshooting: ['确认报表服务器与授权服务器版本匹配。', '检查是否有代理或网关改写了请求内容。'],
      },
      en: {
        title: 'Incorrect data format',
        explanation: 'The request body is not valid JSON, so the license server could not parse it.',
        troubleshooting: [
          'Make sure the report server and the license server versions match.',
          'Check that no proxy or gateway rewrites request bodies.',
        ],
      },
    },
  },
  PARAM_INPUT_ERROR: {
    code: 10001,
    status: 400,
    text: {
      'zh-CN': {
        title: '参数错误',
        explanation: '请求中有参数缺失或不正确：{{fields}}',
        troubleshooting: ['检查填写的内容是否完整、格式是否正确。', '确认报表服务器与授权服务器版本匹配。'],
      },
      en: {
        title: 'Incorrect parameter',
        explanation: 'A parameter is missing or incorrect: {{fields}}',
        troubleshooting: [
          'Check that every field is filled in and in the right format.',
          'Make sure the report server and the license server versions match.',
        ],
      },
    },
  },
  CLIENT_PROTOCOL_OUTDATED: {
    code: 10002,
    status: 400,
    text: {
      'zh-CN': {
        title: '报表服务器的注册协议过旧',
        explanation: '该请求没有节点身份证明（{{missing}}），本授权服务器只接受能证明节点密钥的注册、心跳和注销请求。',
        troubleshooting: ['将报表服务器升级到与授权服务器配套的版本。', '升级后节点会自动生成节点密钥并重新注册，无需其他操作。'],
      },
      en: {
        title: 'The report server speaks an older registration protocol',
        explanation: 'The request carries no node identity proof ({{missing}}); this license server only accepts registrations, heartbeats and deregistrations that prove the node\'s key.',
        troubleshooting: [
          'Upgrade the report server to the version that goes with this license server.',
          'After the upgrade the node makes its own node key and registers again by itself; nothing else to do.',
        ],
      },
    },
  },
  DO_NOT_NEED_DEACTIVATE: {
    code: 20000,
    status: 409,
    text: {
      'zh-CN': {
        title: '无需解绑',
        explanation: '该节点未在授权服务器上注册，因此无需解绑。',
        troubleshooting: ['无需处理；如需注册，请点击“立即注册”。'],
      },
      en: {
        title: 'Nothing to unbind',
        explanation: 'This node is not registered on the license server, so there is nothing to unbind.',
        troubleshooting: ['Nothing to do; click Register Now to register.'],
      },
    },
  },
  LICENSE_EXPIRED: {
    code: 30000,
    status: 403,
    text: {
      'zh-CN': {
        title: '证书已过期',
        explanation: '授权证书已于 {{expiresAt}} 过期。',
        troubleshooting: ['联系帆软商务续期，获取新的授权文件。', '检查报表服务器与授权服务器的系统时间是否正确。'],
      },
      en: {
        title: 'Certificate expired',
        explanation: 'The license expired on {{expiresAt}}.',
        troubleshooting: [
          'Contact the vendor to renew the license and get a new license file.',
          'Check that the system clocks of the report server and the license server are correct.',
        ],
      },
    },
  },
  REPORT_VERSION_ERROR: {
    code: 30001,
    status: 403,
    text: {
      'zh-CN': {
        title: '版本不匹配',
        explanation: '授权的版本为 {{certified}}，本地版本为 {{local}}。',
        troubleshooting: [
          '在“版本信息”中查看本地版本与 JAR 包版本。',
          '升级或回退报表服务器到授权的版本，或联系帆软商务重新签发授权。',
        ],
      },
      en: {
        title: 'Version mismatch',
        explanation: 'The license is for version {{certified}}; this server runs version {{local}}.',
        troubleshooting: [
          'See the local version and JAR date under Version Information.',
          'Upgrade or downgrade the report server to the licensed version, or ask the vendor for a new license.',
        ],
      },
    },
  },
  ACCOUNT_STATUS_ERROR: {
    code: 30002,
    status: 403,
    text: {
      'zh-CN': {
        title: '账号状态异常',
        explanation: '授权服务器的授权状态异常（{{state}}），例如已被销毁。',
        troubleshooting: [
          '如果授权服务器已迁移，请使用新授权服务器的地址重新注册。',
          '联系帆软商务确认授权状态。',
        ],
      },
      en: {
        title: 'Abnormal account status',
        explanation: 'The license server’s license is in an abnormal state ({{state}}), for example destroyed.',
        troubleshooting: [
          'If the license server was migrated, register again with the new license server’s address.',
          'Contact the vendor to confirm the state of the license.',
        ],
      },
    },
  },
  LICENSE_IP_ERROR: {
    code: 30003,
    status: 403,
    text: {
      'zh-CN': {
        title: 'IP 地址不允许',
        explanation: '授权服务器看到的本节点地址为 {{peer}}，不在允许的范围 {{allowed}} 内。',
        troubleshooting: [
          '确认报表服务器访问授权服务器时使用的出口地址（NAT、代理会改变地址）。',
          '报表服务器有多个网卡时，用 LICENSE_CLIENT_LOCAL_ADDRESS 指定连接授权服务器所用的本机地址（须在允许范围内），然后重启报表服务器。',
          '如需新增 IP 范围，请联系帆软商务重新签发授权。',
        ],
      },
      en: {
        title: 'Disallowed IP address',
        explanation: 'The license server sees this node as {{peer}}, which is outside the allowed ranges {{allowed}}.',
        troubleshooting: [
          'Check which source address the report server uses to reach the license server (NAT and proxies change it).',
          'If the report server has several network interfaces, set LICENSE_CLIENT_LOCAL_ADDRESS to the local address inside the allowed ranges to connect from, then restart the report server.',
          'To add an IP range, ask the vendor to issue a new license.',
        ],
      },
    },
  },
  LICENSE_DOMAIN_ERROR: {
    code: 30004,
    status: 403,
    text: {
      'zh-CN': {
        title: '域名不允许',
        explanation: '本节点的访问域名 {{domain}} 不在允许的域名 {{allowed}} 内。',
        troubleshooting: ['检查报表服务器配置的访问域名。', '如需新增域名，请联系帆软商务重新签发授权。'],
      },
      en: {
        title: 'Disallowed domain name',
        explanation: 'This node’s domain {{domain}} is not among the allowed domains {{allowed}}.',
        troubleshooting: [
          'Check the domain configured for the report server.',
          'To add a domain, ask the vendor to issue a new license.',
        ],
      },
    },
  },
  LICENSE_APPNAME_ERROR: {
    code: 30005,
    status: 403,
    text: {
      'zh-CN': {
        title: '应用名不允许',
        explanation: '本节点的应用名 {{appName}} 不在允许的应用名 {{allowed}} 内。',
        troubleshooting: ['检查报表工程的应用名（如 webroot）。', '如需修改应用名，请联系帆软商务重新签发授权。'],
      },
      en: {
        title: 'Disallowed app name',
        explanation: 'This node’s app name {{appName}} is not among the allowed app names {{allowed}}.',
        troubleshooting: [
          'Check the web application name of the report project (for example webroot).',
          'To change the app name, ask the vendor to issue a new license.',
        ],
      },
    },
  },
  REGISTER_OUT_OF_LIMIT: {
    code: 30007,
    status: 403,
    text: {
      'zh-CN': {
        title: '已达到最大注册数',
        explanation: '授权服务器允许同时注册 {{max}} 个节点，当前已占用 {{inUse}} 个。',
        troubleshooting: [
          '在不再使用的工程上点击“重新注册”释放名额，或停用多余的节点。',
          '未正常注销的节点会在 24 小时无心跳后自动释放名额。',
          '如需更多名额，请联系帆软商务。',
        ],
      },
      en: {
        title: 'Maximum number of registrations reached',
        explanation: 'The license server allows at most {{max}} concurrent registrations; {{inUse}} in use.',
        troubleshooting: [
          'Click Re-register on a project that is no longer used to free its slot, or stop surplus nodes.',
          'A node that stopped without deregistering frees its slot after 24 hours without a heartbeat.',
          'To get more slots, contact the vendor.',
        ],
      },
    },
  },
  NODE_IDENTITY_CONFLICT: {
    code: 30008,
    status: 409,
    text: {
      'zh-CN': {
        title: '节点编号已被另一个节点占用',
        explanation: '授权服务器上节点 {{nodeId}} 的租约属于另一把节点密钥（地址 {{heldBy}}，自 {{since}} 起持有），本节点不能接管它。',
        troubleshooting: [
          '检查是否有两台报表服务器配置了相同的节点编号 NODE_ID（例如从同一镜像或同一主机名启动）；给每个节点设置不同的 NODE_ID。',
          '如果地址 {{heldBy}} 不是你们的报表服务器，说明有人冒充本节点：在授权服务器上查看租约并释放该名额，并为授权服务器配置注册密钥。',
          '该租约在 24 小时没有心跳后会自动释放。',
        ],
      },
      en: {
        title: 'Another node holds this node id',
        explanation: 'On the license server the lease of node {{nodeId}} is bound to another node key (address {{heldBy}}, held since {{since}}), so this node cannot take it over.',
        troubleshooting: [
          'Check whether two report servers run with the same NODE_ID (for example started from one image or with one host name); give every node its own NODE_ID.',
          'If {{heldBy}} is not one of your report servers, someone is impersonating this node: free the slot on the license server and give the license server a registration key.',
          'The lease is freed by itself after 24 hours without a heartbeat.',
        ],
      },
    },
  },
  NODE_PROOF_INVALID: {
    code: 30009,
    status: 403,
    text: {
      'zh-CN': {
        title: '节点身份证明无效',
        explanation: '请求没有通过授权服务器对节点密钥的校验（{{detail}}），授权服务器未做任何更改。',
        troubleshooting: [
          '报表服务器会用自己的节点密钥重新注册以取回租约，通常无需处理。',
          '如果反复出现，检查是否有代理改写了请求，或是否有其他程序以本节点的名义发送请求。',
        ],
      },
      en: {
        title: 'Node proof refused',
        explanation: 'The request did not pass the license server\'s check of the node key ({{detail}}); the license server changed nothing.',
        troubleshooting: [
          'The report server registers again with its own node key to take its lease back; usually nothing to do.',
          'If it keeps happening, check for a proxy that rewrites requests, or another program sending requests in this node\'s name.',
        ],
      },
    },
  },
  LEASE_NOT_HELD: {
    code: 30011,
    status: 409,
    text: {
      'zh-CN': {
        title: '授权服务器上没有该租约',
        explanation: '授权服务器上节点 {{nodeId}} 没有这份租约（已过期、已被释放或已被替换）。',
        troubleshooting: ['报表服务器会自动重新注册，通常无需处理。', '如果反复出现，检查授权服务器上是否有人释放了该节点的名额。'],
      },
      en: {
        title: 'The license server does not hold this lease',
        explanation: 'The license server holds no such lease for node {{nodeId}} (it expired, was freed or was replaced).',
        troubleshooting: [
          'The report server registers again by itself; usually nothing to do.',
          'If it keeps happening, check whether someone frees this node\'s slot on the license server.',
        ],
      },
    },
  },
  LEASE_FREED: {
    code: 30014,
    status: 409,
    text: {
      'zh-CN': {
        title: '授权服务器的运维人员释放了本节点的名额',
        explanation: '授权服务器的运维人员于 {{freedAt}} 在授权服务器控制台释放了节点 {{nodeId}} 的名额，本节点不再持有授权。',
        troubleshooting: [
          '如果本节点仍要使用授权：确认授权服务器上还有空余名额后，点击“重新注册”或重新提交私有云认证。',
          '如果不知道为什么被释放，请联系授权服务器的运维人员（授权服务器控制台的“事件”中记录了释放时间）。',
        ],
      },
      en: {
        title: 'The license server\'s operator freed this node\'s slot',
        explanation: 'At {{freedAt}} the license server\'s operator freed the slot of node {{nodeId}} in the license server console; this node holds no license any more.',
        troubleshooting: [
          'If this node should keep its license: make sure the license server has a free slot, then press Re-register or submit Private Cloud again.',
          'If you do not know why it was freed, ask the license server\'s operator (the console\'s Events list the time it was freed).',
        ],
      },
    },
  },
  NODE_BLOCKED: {
    code: 30015,
    status: 403,
    text: {
      'zh-CN': {
        title: '本节点已被授权服务器拒绝',
        explanation: '授权服务器的运维人员于 {{blockedAt}} 阻止了节点 {{nodeId}}（按节点编号或节点密钥），授权服务器不再为它注册或续期。',
        troubleshooting: [
          '请联系授权服务器的运维人员，确认阻止的原因。',
          '运维人员在授权服务器控制台的“租约”页面解除阻止后，点击“重新注册”。',
        ],
      },
      en: {
        title: 'The license server blocks this node',
        explanation: 'At {{blockedAt}} the license server\'s operator blocked node {{nodeId}} (by its node id or its node key); the license server no longer registers or renews it.',
        troubleshooting: [
          'Ask the license server\'s operator why it was blocked.',
          'Once the operator unblocks it on the Leases page of the license server console, press Re-register.',
        ],
      },
    },
  },
  REGISTRATION_KEY_REQUIRED: {
    code: 30012,
    status: 403,
    text: {
      'zh-CN': {
        title: '需要注册密钥',
        explanation: '该授权服务器只接受持有注册密钥的报表服务器注册。',
        troubleshooting: [
          '向授权服务器的运维人员索取注册密钥（授权服务器的 --registration-key-file 文件中的内容）。',
          '在“立即注册 > 私有云认证”中填写注册密钥后重新提交。',
        ],
      },
      en: {
        title: 'Registration key required',
        explanation: 'This license server only registers report servers that present its registration key.',
        troubleshooting: [
          'Ask the license server\'s operator for the registration key (the content of its --registration-key-file).',
          'Type it in Register Now > Private Cloud and submit again.',
        ],
      },
    },
  },
  REGISTRATION_KEY_INVALID: {
    code: 30013,
    status: 403,
    text: {
      'zh-CN': {
        title: '注册密钥不正确',
        explanation: '提交的注册密钥与授权服务器配置的不一致。',
        troubleshooting: [
          '向授权服务器的运维人员确认当前的注册密钥（可能已更换）。',
          '在“立即注册 > 私有云认证”中重新填写注册密钥后提交。',
        ],
      },
      en: {
        title: 'Wrong registration key',
        explanation: 'The registration key presented is not the one the license server is configured with.',
        troubleshooting: [
          'Ask the license server\'s operator for the current registration key (it may have been changed).',
          'Type it again in Register Now > Private Cloud and submit.',
        ],
      },
    },
  },
  CONNECTION_FAILED: {
    code: 31000,
    status: 502,
    text: {
      'zh-CN': {
        title: '无法连接授权服务器',
        explanation: '报表服务器无法连接到授权服务器 {{serverUrl}}：{{detail}}。',
        troubleshooting: [
          '确认授权服务器已启动，地址和端口填写正确。',
          '检查防火墙是否放行该端口。',
          '在“立即注册”中点击“测试连接”获取更具体的原因。',
        ],
      },
      en: {
        title: 'Cannot connect to the license server',
        explanation: 'The report server cannot reach the license server at {{serverUrl}}: {{detail}}.',
        troubleshooting: [
          'Make sure the license server is running and the address and port are right.',
          'Check that the firewall lets the port through.',
          'Click Test Connection in Register Now for a more specific reason.',
        ],
      },
    },
  },
  CONNECTION_DNS: {
    code: 31001,
    status: 502,
    text: {
      'zh-CN': {
        title: '域名无法解析',
        explanation: '主机名 {{host}} 无法解析为 IP 地址。',
        troubleshooting: ['检查服务器地址中的主机名拼写。', '检查报表服务器的 DNS 配置或 hosts 文件，或直接使用 IP 地址。'],
      },
      en: {
        title: 'Host name does not resolve',
        explanation: 'The host name {{host}} does not resolve to an IP address.',
        troubleshooting: [
          'Check the spelling of the host name in the server address.',
          'Check the report server’s DNS settings or hosts file, or use the IP address instead.',
        ],
      },
    },
  },
  CONNECTION_REFUSED: {
    code: 31002,
    status: 502,
    text: {
      'zh-CN': {
        title: '连接被拒绝',
        explanation: '{{host}}:{{port}} 拒绝了连接：端口未监听或被防火墙拒绝。',
        troubleshooting: [
          '确认授权服务器容器正在运行（docker ps）。',
          '确认端口映射：容器端口 8081 映射到的宿主机端口。',
          '检查防火墙是否放行该端口。',
        ],
      },
      en: {
        title: 'Connection refused',
        explanation: '{{host}}:{{port}} refused the connection: nothing listens there or a firewall rejects it.',
        troubleshooting: [
          'Make sure the license server container is running (docker ps).',
          'Check the port mapping: which host port container port 8081 is mapped to.',
          'Check that the firewall lets the port through.',
        ],
      },
    },
  },
  CONNECTION_TIMEOUT: {
    code: 31003,
    status: 504,
    text: {
      'zh-CN': {
        title: '连接超时',
        explanation: '在 {{timeoutMs}} 毫秒内未能连接到 {{host}}:{{port}}。',
        troubleshooting: ['检查网络是否连通（ping、traceroute）。', '检查防火墙是否丢弃了该端口的数据包。'],
      },
      en: {
        title: 'Connection timed out',
        explanation: 'No connection to {{host}}:{{port}} within {{timeoutMs}} ms.',
        troubleshooting: [
          'Check that the network path is open (ping, traceroute).',
          'Check whether a firewall silently drops packets to that port.',
        ],
      },
    },
  },
  TLS_HOSTNAME_MISMATCH: {
    code: 31004,
    status: 502,
    text: {
      'zh-CN': {
        title: '证书与地址不匹配',
        explanation: '授权服务器的 HTTPS 证书不适用于地址 {{host}}（证书适用于：{{altNames}}）。',
        troubleshooting: [
          '默认证书只适用于 localhost 和 127.0.0.1。',
          '将适用于该地址的证书挂载到授权服务器的 tls/ 目录后重启，或改用证书中包含的地址。',
        ],
      },
      en: {
        title: 'Certificate not valid for this address',
        explanation: 'The license server’s HTTPS certificate is not valid for {{host}} (it covers: {{altNames}}).',
        troubleshooting: [
          'The default certificate only covers localhost and 127.0.0.1.',
          'Mount a certificate for this address into the license server’s tls/ directory and restart it, or use an address the certificate covers.',
        ],
      },
    },
  },
  TLS_UNTRUSTED: {
    code: 31005,
    status: 502,
    text: {
      'zh-CN': {
        title: '证书不受信任',
        explanation: '授权服务器的 HTTPS 证书不受信任（{{detail}}）。证书指纹 SHA-256：{{fingerprint}}',
        troubleshooting: [
          '配置签发该证书的 CA（LICENSE_SERVER_CA），或在“立即注册”中点击“测试连接”，核对证书指纹后点击“信任此证书”。',
          '与授权服务器管理员核对指纹，防止中间人攻击。',
        ],
      },
      en: {
        title: 'Certificate not trusted',
        explanation: 'The license server’s HTTPS certificate is not trusted ({{detail}}). SHA-256 fingerprint: {{fingerprint}}',
        troubleshooting: [
          'Configure the CA that issued the certificate (LICENSE_SERVER_CA), or click Test Connection in Register Now, check the fingerprint and click Trust this certificate.',
          'Compare the fingerprint with the license server’s administrator to rule out interception.',
        ],
      },
    },
  },
  PLAIN_HTTP: {
    code: 31006,
    status: 502,
    text: {
      'zh-CN': {
        title: '该地址使用的是 HTTP',
        explanation: '{{host}}:{{port}} 上的服务使用 HTTP 而不是 HTTPS。',
        troubleshooting: ['授权服务器只提供 HTTPS，请确认端口是否正确。', '请使用 https:// 开头的地址。'],
      },
      en: {
        title: 'Plain HTTP at this address',
        explanation: 'The service at {{host}}:{{port}} speaks plain HTTP, not HTTPS.',
        troubleshooting: [
          'The license server only speaks HTTPS: check that the port is right.',
          'Use an address that starts with https://.',
        ],
      },
    },
  },
  NOT_A_LICENSE_SERVER: {
    code: 31007,
    status: 502,
    text: {
      'zh-CN': {
        title: '该地址不是授权服务器',
        explanation: '{{serverUrl}} 有服务应答，但它不是授权服务器（{{detail}}）。',
        troubleshooting: ['检查端口：可能填写了其他服务的端口。', '确认授权服务器容器的端口映射。'],
      },
      en: {
        title: 'Not a license server',
        explanation: 'Something answers at {{serverUrl}}, but it is not a license server ({{detail}}).',
        troubleshooting: [
          'Check the port: it may belong to another service.',
          'Check the license server container’s port mapping.',
        ],
      },
    },
  },
  TLS_CERT_CHANGED: {
    code: 31008,
    status: 502,
    text: {
      'zh-CN': {
        title: '授权服务器的证书已变更',
        explanation:
          '授权服务器的 HTTPS 证书与 {{confirmedBy}} 于 {{confirmedAt}} 确认的证书不同，连接已拒绝。已确认的指纹：{{confirmedFingerprint}}；当前出示的指纹：{{fingerprint}}',
        troubleshooting: [
          '只有在预期证书会变更时（例如授权服务器更换或续期了证书）才确认新的指纹，并先与授权服务器管理员核对。',
          '如果没有人更换过证书，可能有人在拦截连接：不要确认，检查报表服务器到授权服务器之间的网络。',
        ],
      },
      en: {
        title: 'The license server’s certificate changed',
        explanation:
          'The license server’s HTTPS certificate is not the one {{confirmedBy}} confirmed on {{confirmedAt}}, so the connection was refused. Confirmed fingerprint: {{confirmedFingerprint}}; presented now: {{fingerprint}}',
        troubleshooting: [
          'Confirm the new fingerprint only if you expected this change (for example the license server’s certificate was replaced or renewed), after comparing it with the license server’s administrator.',
          'If nobody changed the certificate, someone may be intercepting the connection: do not confirm it, and check the network between the report server and the license server.',
        ],
      },
    },
  },
  TLS_CERT_EXPIRED: {
    code: 31009,
    status: 502,
    text: {
      'zh-CN': {
        title: '授权服务器的证书不在有效期内',
        explanation: '授权服务器的 HTTPS 证书有效期为 {{validFrom}} 至 {{validTo}}，当前不在有效期内；即使已确认其指纹也不会接受。',
        troubleshooting: [
          '为授权服务器更换有效的证书（挂载到 tls/ 目录后重启），然后确认新证书的指纹。',
          '检查报表服务器与授权服务器的系统时间是否正确。',
        ],
      },
      en: {
        title: 'The license server’s certificate is not valid now',
        explanation:
          'The license server’s HTTPS certificate is valid from {{validFrom}} to {{validTo}}, which does not include now; it is not accepted even when its fingerprint was confirmed.',
        troubleshooting: [
          'Give the license server a valid certificate (mount it into its tls/ directory and restart), then confirm the new certificate’s fingerprint.',
          'Check that the system clocks of the report server and the license server are correct.',
        ],
      },
    },
  },
  TLS_FINGERPRINT_MISMATCH: {
    code: 31020,
    status: 409,
    text: {
      'zh-CN': {
        title: '指纹与授权服务器当前的证书不一致',
        explanation: '要确认的指纹 {{expected}} 不是 {{serverUrl}} 当前出示的证书指纹 {{presented}}，未信任任何证书。',
        troubleshooting: [
          '重新点击“测试连接”，核对显示的证书后再信任。',
          '如果证书反复变化，报表服务器与授权服务器之间可能有人在拦截连接。',
        ],
      },
      en: {
        title: 'Fingerprint does not match the server’s certificate',
        explanation:
          'The fingerprint to confirm, {{expected}}, is not that of the certificate {{serverUrl}} presents now ({{presented}}); nothing was trusted.',
        troubleshooting: [
          'Click Test Connection again and check the certificate shown before trusting it.',
          'If the certificate keeps changing, something between the report server and the license server may be intercepting the connection.',
        ],
      },
    },
  },
  LICENSE_CONTENT_ERROR: {
    code: 31010,
    status: 422,
    text: {
      'zh-CN': {
        title: '授权文件内容有误',
        explanation: '授权文件内容有误：{{detail}}。',
        troubleshooting: ['确认使用的是帆软签发的原始授权文件，未被修改。', '联系帆软技术支持并提供诊断信息。'],
      },
      en: {
        title: 'The license file content is incorrect',
        explanation: 'The license file content is incorrect: {{detail}}.',
        troubleshooting: [
          'Make sure you use the original license file issued by the vendor, unmodified.',
          'Contact vendor support with the diagnostic summary.',
        ],
      },
    },
  },
  SERVER_LICENSE_UNTRUSTED: {
    code: 31011,
    status: 502,
    text: {
      'zh-CN': {
        title: '授权服务器的证书不是帆软签发的',
        explanation: '该地址上的授权服务器所持有的授权未能通过厂商公钥验证。',
        troubleshooting: [
          '确认地址指向的是帆软提供的授权服务器。',
          '确认报表服务器配置的厂商公钥正确（VENDOR_PUBLIC_KEY）。',
        ],
      },
      en: {
        title: 'License server not issued by the vendor',
        explanation: 'The license held by the server at this address does not verify against the vendor public key.',
        troubleshooting: [
          'Make sure the address points to the license server the vendor supplied.',
          'Check the vendor public key configured on the report server (VENDOR_PUBLIC_KEY).',
        ],
      },
    },
  },
  LEASE_INVALID: {
    code: 31012,
    status: 502,
    text: {
      'zh-CN': {
        title: '授权服务器的应答无效',
        explanation: '授权服务器返回的租约未通过校验（{{detail}}）。',
        troubleshooting: ['检查是否有代理改写了应答。', '重启授权服务器后重试；仍失败请联系帆软技术支持。'],
      },
      en: {
        title: 'Invalid answer from the license server',
        explanation: 'The lease the license server returned failed verification ({{detail}}).',
        troubleshooting: [
          'Check that no proxy rewrites the answers.',
          'Restart the license server and retry; if it still fails, contact vendor support.',
        ],
      },
    },
  },
  HEARTBEAT_LAPSED: {
    code: 31013,
    status: 502,
    text: {
      'zh-CN': {
        title: '超过 24 小时未连接授权服务器',
        explanation: '本节点自 {{since}} 起无法连接授权服务器 {{serverUrl}}，最近一次成功应答在 {{lastSuccessAt}}，已超过 24 小时，注册失效。',
        troubleshooting: ['恢复与授权服务器的网络连接，节点会自动重新注册。', '检查授权服务器是否在运行。'],
      },
      en: {
        title: 'No answer from the license server for 24 hours',
        explanation:
          'This node has not reached the license server at {{serverUrl}} since {{since}}; its last successful answer was at {{lastSuccessAt}}, more than 24 hours ago, so its registration lapsed.',
        troubleshooting: [
          'Restore the connection to the license server; the node registers again by itself.',
          'Check that the license server is running.',
        ],
      },
    },
  },
  LICENSE_SERVER_OUTDATED: {
    code: 31015,
    status: 502,
    text: {
      'zh-CN': {
        title: '授权服务器版本过旧',
        explanation: '授权服务器返回的租约没有绑定本节点的密钥，说明它的版本早于本报表服务器，无法防止其他客户端冒用本节点。',
        troubleshooting: ['将授权服务器升级到与报表服务器配套的版本，然后重新提交注册。'],
      },
      en: {
        title: 'The license server is too old',
        explanation: 'The lease the license server returned is not bound to this node\'s key: the server predates this report server and cannot stop other clients from acting in this node\'s name.',
        troubleshooting: ['Upgrade the license server to the version that goes with this report server, then submit the registration again.'],
      },
    },
  },
  SERVER_NOT_ACTIVATED: {
    code: 30010,
    status: 403,
    text: {
      'zh-CN': {
        title: '授权服务器尚未激活',
        explanation: '授权服务器启动后需要先扫码激活，激活前拒绝所有注册。',
        troubleshooting: [
          '在浏览器中打开授权服务器的激活页面 {{activationUrl}}。',
          '用手机扫描页面上的二维码，得到 6 位验证码，在激活页面输入并提交。',
          '激活后回到本页面重新提交注册。',
        ],
      },
      en: {
        title: 'The license server is not activated yet',
        explanation: 'A license server must be activated by scanning its QR code before it registers anyone.',
        troubleshooting: [
          'Open the license server\'s activation page {{activationUrl}} in a browser.',
          'Scan the QR code on that page with a phone, then type the 6-digit code shown on the phone and submit.',
          'Then submit the registration here again.',
        ],
      },
    },
  },
  PROJECT_RESCAN_REQUIRED: {
    code: 31014,
    status: 403,
    text: {
      'zh-CN': {
        title: '授权服务器重启后需要重新扫码',
        explanation: '授权服务器重启后，本工程不满足免扫码恢复的条件：{{rule}}。',
        troubleshooting: [
          '在授权服务器的激活页面 {{activationUrl}} 重新扫描二维码并输入 6 位验证码。',
          '完成后节点会自动重新注册，无需在本页面再次提交。',
          '免扫码恢复要求 FineReport 11.5.11 及以上、2026-05-20 及以后获取的授权服务器镜像，以及工程配置（外接配置库、状态服务器、文件服务器）基本不变。',
        ],
      },
      en: {
        title: 'Scan the QR code again after the license server restart',
        explanation: 'After the license server restarted, this project does not meet the conditions to resume without a scan: {{rule}}.',
        troubleshooting: [
          'Scan the QR code again on the license server\'s activation page {{activationUrl}} and type the 6-digit code.',
          'The node then registers again by itself; you do not need to submit here again.',
          'Resuming without a scan needs FineReport 11.5.11 or later, a license server image obtained on or after 2026-05-20, and a project configuration (external config DB, state server, file server) that stayed essentially the same.',
        ],
      },
    },
  },
  LIC_TYPE_MISMATCH: {
    code: 32000,
    status: 422,
    text: {
      'zh-CN': {
        title: '授权文件类型不匹配',
        explanation: '上传的文件是 {{actual}} 类型，而所选注册方式需要 {{expected}}。',
        troubleshooting: ['确认选择了正确的注册方式。', '本地容器认证请上传 Container.lic。'],
      },
      en: {
        title: 'License type does not match the method',
        explanation: 'The uploaded file is of type {{actual}}, but the chosen method needs {{expected}}.',
        troubleshooting: ['Check that you chose the right registration method.', 'Local Container needs Container.lic.'],
      },
    },
  },
  PROJECT_CONTENT_MISMATCH: {
    code: 32001,
    status: 422,
    text: {
      'zh-CN': {
        title: '工程内容不匹配',
        explanation: '授权的工程为 {{certified}}，本地工程为 {{local}}。',
        troubleshooting: ['确认上传的是签发给本工程的授权文件。'],
      },
      en: {
        title: 'Project content mismatch',
        explanation: 'The license is for project {{certified}}; this is project {{local}}.',
        troubleshooting: ['Make sure the license file was issued for this project.'],
      },
    },
  },
  CLUSTER_NODES_EXCEEDED: {
    code: 32002,
    status: 422,
    text: {
      'zh-CN': {
        title: '集群节点数超过授权',
        explanation: '授权允许 {{max}} 个节点，当前有 {{nodes}} 个节点。',
        troubleshooting: ['减少集群节点数，或联系帆软商务增加节点数。'],
      },
      en: {
        title: 'More cluster nodes than licensed',
        explanation: 'The license allows {{max}} nodes; the cluster has {{nodes}}.',
        troubleshooting: ['Reduce the number of cluster nodes, or ask the vendor for more.'],
      },
    },
  },
  VERIFY_CODE_ERROR: {
    code: 32003,
    status: 422,
    text: {
      'zh-CN': {
        title: '验证码错误',
        explanation: '验证码不正确，还可以尝试 {{attemptsLeft}} 次。',
        troubleshooting: ['重新扫描当前二维码获取验证码。', '二维码 5 分钟内有效，过期请刷新。'],
      },
      en: {
        title: 'Wrong verification code',
        explanation: 'The code is not correct; {{attemptsLeft}} attempts left.',
        troubleshooting: ['Scan the current QR code again to get the code.', 'A QR code is valid for 5 minutes; refresh it when it expires.'],
      },
    },
  },
  VERIFY_LOCKED: {
    code: 32004,
    status: 423,
    text: {
      'zh-CN': {
        title: '验证已锁定',
        explanation: '连续输错验证码次数过多，验证已锁定至 {{until}}。',
        troubleshooting: ['请在锁定结束后重试。'],
      },
      en: {
        title: 'Verification locked',
        explanation: 'Too many wrong codes in a row: verification is locked until {{until}}.',
        troubleshooting: ['Try again after the lock opens.'],
      },
    },
  },
  VERIFY_DISABLED: {
    code: 32005,
    status: 423,
    text: {
      'zh-CN': {
        title: '验证已停用',
        explanation: '连续输错验证码 {{failures}} 次，验证码输入已停用。',
        troubleshooting: ['由运维人员在服务器上执行重置命令后重试。'],
      },
      en: {
        title: 'Verification disabled',
        explanation: '{{failures}} wrong codes in a row: code entry is disabled.',
        troubleshooting: ['Ask an operator to run the reset command on the server, then retry.'],
      },
    },
  },
  QR_EXPIRED: {
    code: 32006,
    status: 422,
    text: {
      'zh-CN': {
        title: '二维码已过期',
        explanation: '二维码已超过 5 分钟有效期。',
        troubleshooting: ['点击刷新获取新的二维码，再扫码获取验证码。'],
      },
      en: {
        title: 'QR code expired',
        explanation: 'The QR code is older than its 5-minute lifetime.',
        troubleshooting: ['Refresh to get a new QR code, then scan it for a new code.'],
      },
    },
  },
  CONTAINER_LIC_MISSING: {
    code: 32007,
    status: 409,
    text: {
      'zh-CN': {
        title: '尚未上传授权文件',
        explanation: '本地容器认证需要先上传 Container.lic，才能生成二维码和校验验证码。',
        troubleshooting: ['在“立即注册 > 本地容器”中点击“上传 lic”，选择帆软发送的 Container.lic。'],
      },
      en: {
        title: 'No Container.lic uploaded',
        explanation: 'Local Container needs an uploaded Container.lic before a QR code can be shown or a code checked.',
        troubleshooting: ['In Register Now > Local Container, click Upload lic and choose the Container.lic the vendor sent.'],
      },
    },
  },
  CONTAINER_VERIFICATION_NEEDED: {
    code: 32008,
    status: 409,
    text: {
      'zh-CN': {
        title: '需要重新扫码验证',
        explanation: '报表服务器于 {{since}} 重启，授权文件 Container.lic 仍然保留，但需要重新扫码验证。',
        troubleshooting: [
          '在“立即注册 > 本地容器”中用手机扫描二维码，输入页面显示的 6 位验证码。',
          '无需重新上传授权文件。',
        ],
      },
      en: {
        title: 'Verification needed',
        explanation: 'The report server restarted at {{since}}. Container.lic is still stored, but its QR code must be scanned again.',
        troubleshooting: [
          'In Register Now > Local Container, scan the QR code with a phone and type the 6-digit code it shows.',
          'There is no need to upload the lic again.',
        ],
      },
    },
  },
  LIC_REISSUE_REQUIRED: {
    code: 32009,
    status: 422,
    text: {
      'zh-CN': {
        title: '授权文件格式过旧，需要重新签发',
        explanation: '该 Container.lic（{{licenseId}}）是旧格式签发的，文件中带有可计算验证码的激活密钥，已不再接受。',
        troubleshooting: [
          '联系帆软，请其按新格式重新签发该授权文件（授权内容不变）。',
          '收到新的 Container.lic 后在“立即注册 > 本地容器”中重新上传。',
        ],
      },
      en: {
        title: 'Container.lic must be re-issued',
        explanation: 'This Container.lic ({{licenseId}}) was issued in an older format that carries its activation secret, from which codes can be computed; it is no longer accepted.',
        troubleshooting: [
          'Ask the vendor to re-issue the lic in the current format (the terms stay the same).',
          'Upload the new Container.lic in Register Now > Local Container.',
        ],
      },
    },
  },
  UNAUTHORIZED: {
    code: 40100,
    status: 401,
    text: {
      'zh-CN': {
        title: '未登录',
        explanation: '登录已失效或未登录。',
        troubleshooting: ['重新登录决策平台。'],
      },
      en: {
        title: 'Not signed in',
        explanation: 'You are not signed in, or your session has expired.',
        troubleshooting: ['Sign in to the decision platform again.'],
      },
    },
  },
  FORBIDDEN: {
    code: 40300,
    status: 403,
    text: {
      'zh-CN': {
        title: '没有权限',
        explanation: '只有管理员可以管理注册。',
        troubleshooting: ['使用管理员账号登录。'],
      },
      en: {
        title: 'Not allowed',
        explanation: 'Only administrators can manage registration.',
        troubleshooting: ['Sign in with an administrator account.'],
      },
    },
  },
  BROWSER_REQUEST_REFUSED: {
    code: 40301,
    status: 403,
    text: {
      'zh-CN': {
        title: '拒绝来自浏览器网页的请求',
        explanation: '授权服务器的注册接口只接受报表服务器的请求，该请求来自浏览器中的网页（{{origin}}），已拒绝，未做任何更改。',
        troubleshooting: ['如果这是你打开的网页，关闭它即可；注册请在决策平台的“注册管理”中进行。', '如果来源不明，说明有网页试图占用授权名额，请排查该网页。'],
      },
      en: {
        title: 'Request from a web page refused',
        explanation: 'The license server\'s registration API only answers report servers; this request came from a web page in a browser ({{origin}}) and was refused, nothing changed.',
        troubleshooting: [
          'If it is a page you opened, close it; registration is done in the decision platform\'s Registration Management.',
          'If you do not know the page, it tried to take license slots: look into it.',
        ],
      },
    },
  },
  NOT_FOUND: {
    code: 40400,
    status: 404,
    text: {
      'zh-CN': { title: '不存在', explanation: '请求的资源不存在。', troubleshooting: ['刷新页面后重试。'] },
      en: { title: 'Not found', explanation: 'The requested resource does not exist.', troubleshooting: ['Reload the page and retry.'] },
    },
  },
  PAYLOAD_TOO_LARGE: {
    code: 41300,
    status: 413,
    text: {
      'zh-CN': {
        title: '内容过大',
        explanation: '请求内容超过上限 {{limit|size}}。',
        troubleshooting: ['确认上传的是正确的文件（授权文件通常只有几 KB）。'],
      },
      en: {
        title: 'Too large',
        explanation: 'The request is larger than the limit of {{limit|size}}.',
        troubleshooting: ['Make sure you upload the right file (a license file is a few KB).'],
      },
    },
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 41500,
    status: 415,
    text: {
      'zh-CN': {
        title: '不支持的内容类型',
        explanation: '该接口只接受 application/json 请求（收到的是 {{contentType}}）。',
        troubleshooting: ['确认请求来自报表服务器，而不是浏览器网页或其他程序。'],
      },
      en: {
        title: 'Unsupported content type',
        explanation: 'This endpoint only takes application/json (it got {{contentType}}).',
        troubleshooting: ['Make sure the request comes from a report server, not a web page or another program.'],
      },
    },
  },
  RATE_LIMITED: {
    code: 42900,
    status: 429,
    text: {
      'zh-CN': {
        title: '请求过于频繁',
        explanation: '来自地址 {{peer}} 的请求超过了每分钟 {{limit}} 次的上限，请在 {{retryAfter}} 秒后重试。',
        troubleshooting: [
          '报表服务器会自动稍后重试，通常无需处理。',
          '如果大量节点经同一地址（NAT）访问授权服务器，请让授权服务器运维人员调高该限制（--rate-limit-register 等）。',
          '如果该地址不是你们的报表服务器，说明有程序在批量请求授权服务器，请排查该主机。',
        ],
      },
      en: {
        title: 'Too many requests',
        explanation: 'Requests from {{peer}} went over the limit of {{limit}} per minute; retry in {{retryAfter}} s.',
        troubleshooting: [
          'The report server retries later by itself; usually nothing to do.',
          'If many nodes reach the license server through one address (NAT), ask its operator to raise the limit (--rate-limit-register and the like).',
          'If that address is not one of your report servers, some program is flooding the license server: look into that host.',
        ],
      },
    },
  },
  INTERNAL_ERROR: {
    code: 50000,
    status: 500,
    text: {
      'zh-CN': {
        title: '内部错误',
        explanation: '服务器内部错误，未保存任何更改。请求编号：{{requestId}}',
        troubleshooting: ['稍后重试。', '仍失败请将诊断信息与请求编号发给技术支持。'],
      },
      en: {
        title: 'Internal error',
        explanation: 'Something went wrong on the server; nothing was changed. Request id: {{requestId}}',
        troubleshooting: ['Retry in a moment.', 'If it keeps failing, send the diagnostic summary and request id to support.'],
      },
    },
  },
} satisfies Record<string, CatalogueEntry>;

export type ErrorName = keyof typeof catalogue;
export const ERROR_NAMES = Object.keys(catalogue) as [ErrorName, ...ErrorName[]];
export const CATALOGUE: Readonly<Record<ErrorName, CatalogueEntry>> = catalogue;

/** The code that belongs to a catalogue name. */
export function codeOf(name: ErrorName): number {
  return CATALOGUE[name].code;
}

const byCode = new Map<number, ErrorName>(ERROR_NAMES.map((n) => [CATALOGUE[n].code, n]));
/** The catalogue name for a code, if the code is in the catalogue. */
export function nameOfCode(code: number): ErrorName | undefined {
  return byCode.get(code);
}

/** A byte count as people read it in both languages: `64 KB`, `1.5 MB`, `512 bytes`. */
export function formatSize(bytes: number, locale: Locale = 'en'): string {
  if (bytes < 1024) return locale === 'zh-CN' ? `${bytes} 字节` : `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/**
 * Fills `{{param}}` placeholders; arrays are joined, missing params stay visible as `—`. `{{param|size}}`
 * shows a byte count as a size (the same 64 KB the upload dialog names, not 65536).
 */
export function interpolate(template: string, params: Record<string, unknown> = {}, locale: Locale = 'en'): string {
  return template.replace(/\{\{(\w+)(?:\|(size))?\}\}/g, (_, key: string, format: string | undefined) => {
    const v = params[key];
    if (v === undefined || v === null || v === '') return '—';
    // A number, or its text once a UI has turned params into display strings.
    if (format === 'size' && /^\d+$/.test(String(v))) return formatSize(Number(v), locale);
    return Array.isArray(v) ? v.join(', ') : String(v);
  });
}

/** The params with a `detail` code turned into its text in `locale` (other details stay as they came). */
export function localizeDetail<P extends Record<string, unknown>>(params: P | undefined, locale: Locale): P | undefined {
  const template = detailTemplate(params?.detail, locale);
  return template === null || params === undefined ? params : { ...params, detail: interpolate(template, params, locale) };
}

/** The text of a catalogue entry in a locale, with the params (and the detail) filled in. */
export function describe(name: ErrorName, locale: Locale, params?: Record<string, unknown>): CatalogueText {
  const t = CATALOGUE[name].text[locale];
  const p = localizeDetail(params, locale);
  return {
    title: interpolate(t.title, p, locale),
    explanation: interpolate(t.explanation, p, locale),
    troubleshooting: t.troubleshooting.map((s) => interpolate(s, p, locale)),
  };
}
