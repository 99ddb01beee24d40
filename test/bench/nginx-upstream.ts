import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/redis.js';
import { LOAD_CORE, pinned, startChild, type Child } from './child-process.js';
import { findProgram } from './prerequisites.js';
import { bigGroup, GROUP_PEOPLE, USERS_PAGE, WRITE_ANSWER } from './upstream-answers.js';

export interface Upstream {
  child: Child;
  /** e.g. http://127.0.0.1:PORT */
  url: string;
}

/** An nginx string literal in single quotes: JSON bodies hold double quotes and none of these. */
function quoted(text: string): string {
  if (/['\\$\n]/.test(text)) throw new Error(`cannot quote for nginx: ${text.slice(0, 40)}`);
  return `'${text}'`;
}

/** The configuration: everything under `dir` (no root needed), one process, no access log. */
export function nginxConfig(dir: string, port: number, vtKey: string): string {
  if (!/^[\w-]+$/.test(vtKey)) throw new Error('the benchmark key must be letters, digits, _ and -');
  const keyCheck = `if ($http_x_apikey != "${vtKey}") { return 401 '{"error":{"code":"WrongCredentialsError","message":"Wrong API key"}}'; }`;
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  types { }
  default_type application/json;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  sendfile on;
  server {
    listen 127.0.0.1:${port};
    location = /healthz { return 200 '{"status":"ok"}'; }
    location = /api/v3/groups/big {
      ${keyCheck}
      root ${dir};
      try_files /big.json =500;
    }
    location ~ ^/api/v3/groups/[^/]+/relationships/users$ {
      ${keyCheck}
      if ($request_method = POST) { return 200 ${quoted(WRITE_ANSWER)}; }
      return 200 ${quoted(USERS_PAGE)};
    }
    location ~ ^/api/v3/groups/[^/]+/users$ {
      ${keyCheck}
      return 200 ${quoted(GROUP_PEOPLE)};
    }
    location / { return 404 '{"error":{"code":"NotFoundError"}}'; }
  }
}
`;
}

/**
 * The upstream: nginx on the load core, one worker, serving VirusTotal's fixed answers for the scenarios' routes
 * and for the member list the gateway's audit looks up (401 without the right x-apikey, so a proxy that forgets to inject it shows up as non-2xx answers).
 */
export async function startNginx(workDir: string, vtKey: string): Promise<Upstream> {
  const nginx = findProgram('nginx');
  if (nginx === undefined) throw new Error('nginx is not installed');
  const dir = join(workDir, 'nginx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'big.json'), bigGroup());
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, port, vtKey), { mode: 0o600 });
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild('nginx', pinned(LOAD_CORE, [nginx, '-p', dir, '-c', conf, '-e', join(dir, 'error.log')]), {}, `${url}/healthz`);
  return { child, url };
}
