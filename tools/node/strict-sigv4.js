// What AWS checks of a SigV4-signed request, shared by the strict fronts (S3, Secrets Manager and Parameter Store):
// the header's form, a known access key, the session token's expiry, the payload's hash (S3), and the signature as
// AWS's signer for JavaScript computes it. Keys: those given, and any "ASIA…" key whose secret is "secret-of-<key>"
// (what the Lambda emulator hands out). A session token "expires=<unix ms>;…" is refused once that time has passed, as
// AWS refuses an expired token (ExpiredToken).
"use strict";
const crypto = require("crypto");
const { SignatureV4 } = require("@aws-sdk/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");

function secretFor(keys, accessKeyId) {
  if (accessKeyId in keys) return keys[accessKeyId];
  return accessKeyId.startsWith("ASIA") ? "secret-of-" + accessKeyId : undefined;
}

// Null when the request passes; else [status, code, message].
async function verify(req, body, { service, keys, isS3 }) {
  const auth = req.headers["authorization"] || "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [400, isS3 ? "AuthorizationHeaderMalformed" : "IncompleteSignatureException", "not a SigV4 header: " + auth.split(",")[0]];
  const [, accessKeyId, , region, signedService, signedHeaders] = m;
  if (signedService !== service) return [400, isS3 ? "AuthorizationHeaderMalformed" : "InvalidSignatureException", `signed for ${signedService}, not ${service}`];
  const secret = secretFor(keys, accessKeyId);
  if (secret === undefined) {
    return isS3 ? [403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."]
      : [400, "UnrecognizedClientException", "The security token included in the request is invalid."];
  }
  const token = req.headers["x-amz-security-token"];
  const expires = /(?:^|;)expires=(\d+)/.exec(token || "");
  if (expires && Date.now() >= Number(expires[1])) {
    return isS3 ? [400, "ExpiredToken", "The provided token has expired."] : [400, "ExpiredTokenException", "The security token included in the request is expired"];
  }
  if (isS3 && req.headers["x-amz-content-sha256"] !== crypto.createHash("sha256").update(body).digest("hex")) {
    return [400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."];
  }
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
    credentials: { accessKeyId, secretAccessKey: secret, sessionToken: token },
    region, service, sha256: Sha256, uriEscapePath: !isS3, applyChecksum: false,
  });
  const request = { method: req.method, protocol: "http:", hostname: url.hostname, path: url.pathname, query, headers };
  if (!isS3) request.body = body;
  const signed = await signer.signRequest(request, { signingDate: date });
  if (signed.headers["authorization"] !== auth) {
    return [403, isS3 ? "SignatureDoesNotMatch" : "InvalidSignatureException", "The request signature we calculated does not match the signature you provided."];
  }
  return null;
}

module.exports = { verify };
