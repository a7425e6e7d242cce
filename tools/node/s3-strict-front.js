// A real S3 API server (s3rver) behind a front as strict as S3 about signatures, with faults on demand:
//   node s3-strict-front.js --port P --directory D --bucket B
// s3rver stores objects in D but does not check SigV4 signatures; the front does, with AWS's signer for JavaScript,
// refusing what S3 would: a wrong signature (403 SignatureDoesNotMatch), a payload that is not the one signed (400
// XAmzContentSHA256Mismatch), an unknown access key (403 InvalidAccessKeyId). Credentials: S3RVER / S3RVER.
// Control (not S3): POST /__faults {"status": 503, "count": 3} answers the next 3 requests with 503 (count -1: all,
// 0: none); GET /__stats gives {"requests", "faulted", "refused", "stored"}.
"use strict";
const http = require("http");
const crypto = require("crypto");
const S3rver = require("s3rver");
const { SignatureV4 } = require("@aws-sdk/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const secrets = { S3RVER: "S3RVER" };
const stats = { requests: 0, faulted: 0, refused: 0, stored: 0 };
let fault = { status: 0, count: 0 };

function s3Error(res, status, code, message) {
  stats.refused += status === fault.status ? 0 : 1;
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

async function verify(req, body) {
  const auth = req.headers["authorization"] || "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [400, "AuthorizationHeaderMalformed", "not a SigV4 header: " + auth.split(",")[0]];
  const [, accessKeyId, , region, signedHeaders] = m;
  if (!(accessKeyId in secrets)) return [403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."];
  const hash = crypto.createHash("sha256").update(body).digest("hex");
  if (req.headers["x-amz-content-sha256"] !== hash) return [400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."];
  const url = new URL(req.url, "http://front");
  const query = {};
  for (const part of url.search.slice(1).split("&").filter(p => p.length > 0)) {
    const [name, value = ""] = part.split("=");
    query[decodeURIComponent(name)] = decodeURIComponent(value);
  }
  const headers = {};
  for (const name of signedHeaders.split(";")) headers[name] = req.headers[name] || "";
  const amzDate = req.headers["x-amz-date"] || "";
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: secrets[accessKeyId], sessionToken: req.headers["x-amz-security-token"] },
    region, service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false,
  });
  const signed = await signer.signRequest({ method: req.method, protocol: "http:", hostname: url.hostname, path: url.pathname, query, headers }, { signingDate: date });
  if (signed.headers["authorization"] !== auth) return [403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."];
  return null;
}

async function main() {
  const upstreamPort = Number(args["upstream-port"] || 0);
  const s3rver = new S3rver({ address: "127.0.0.1", port: upstreamPort, silent: true, directory: args.directory, configureBuckets: [{ name: args.bucket }], vhostBuckets: false });
  const { port: s3Port } = await s3rver.run();
  const front = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", c => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (req.url === "/__faults") { fault = JSON.parse(body.toString()); res.end("{}"); return; }
      if (req.url === "/__stats") { res.setHeader("content-type", "application/json"); res.end(JSON.stringify(stats)); return; }
      stats.requests++;
      if (fault.count !== 0) {
        if (fault.count > 0) fault.count--;
        stats.faulted++;
        s3Error(res, fault.status, fault.status === 403 ? "AccessDenied" : "SlowDown", "fault injected by the test");
        return;
      }
      const refusal = await verify(req, body).catch(e => [500, "InternalError", String(e)]);
      if (refusal) { s3Error(res, ...refusal); return; }
      const upstream = http.request({ host: "127.0.0.1", port: s3Port, method: req.method, path: req.url, headers: req.headers }, answer => {
        if (req.method === "PUT" && answer.statusCode === 200) stats.stored++;
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", e => s3Error(res, 502, "BadGateway", String(e)));
      upstream.end(body);
    });
  });
  front.listen(Number(args.port), "127.0.0.1", () => console.log(`S3 front listening on 127.0.0.1:${front.address().port}`));
}
main().catch(e => { console.error(e); process.exit(1); });
