// Stacks as PHP-FPM's slowlog prints them (php-src sapi/fpm/fpm/fpm_php_trace.c):
//   [0x00007fe107213350] sleep() /var/www/report.php:9
// innermost first, at most request_slowlog_trace_depth (20) frames. Each frame prints its
// function name only (methods without their class) and the file:line *of the call site*, i.e.
// a position inside the calling frame; `unknown:0` when no PHP code called it.
//
// The fingerprint groups traces that are "the same stack" the way pt-query-digest groups
// queries: functions and files in order, never the addresses, pids or line numbers that change
// from one request (or one deploy) to the next.
import { createHash } from 'node:crypto';
import type { SlowFrame } from './types.js';

const FRAME_RE = /^\[0x[0-9a-fA-F]+\] (.*\(\)) (.*):(\d+)$/;

/** A slowlog frame line -> function (as printed, with `()`), file, line; null if it is not one. */
export function parseFrame(line: string, depth: number): SlowFrame | null {
  const m = FRAME_RE.exec(line);
  if (!m) return null;
  const noFile = m[2] === 'unknown';
  return { depth, function: m[1], file: noFile ? null : m[2], line: noFile ? null : Number(m[3]) };
}

export function stackFingerprint(frames: readonly SlowFrame[]): string {
  const h = createHash('sha1');
  for (const f of frames) h.update(f.function + '\u0000' + (f.file ?? '') + '\n');
  return h.digest('hex').slice(0, 16);
}

// PHP functions (and extension methods, which the slowlog prints without their class) that a
// slow request typically waits in. Consulted for the innermost frame only; see isInternal.
const BUILTINS = new Set(`
  sleep usleep time_nanosleep time_sleep_until
  file_get_contents file_put_contents file fopen fread fgets fgetcsv fwrite fputs fputcsv fflush
  fclose flock fsockopen pfsockopen readfile fpassthru stream_get_contents stream_select
  stream_socket_client stream_socket_accept copy rename unlink mkdir scandir glob is_file
  file_exists filesize filemtime stat touch realpath tempnam
  proc_open proc_close exec shell_exec system passthru popen pclose mail
  gethostbyname gethostbynamel dns_get_record checkdnsrr getmxrr
  curl_exec curl_multi_exec curl_multi_select socket_connect socket_read socket_write socket_recv
  socket_send socket_select socket_accept
  mysqli_query mysqli_real_query mysqli_connect mysqli_real_connect mysqli_multi_query
  mysqli_next_result mysqli_stmt_execute mysql_query mysql_connect pg_query pg_query_params
  pg_execute pg_prepare pg_connect pg_get_result oci_execute sqlsrv_query
  execute query prepare exec fetch fetchAll fetchColumn beginTransaction commit rollBack
  real_query multi_query next_result store_result __doRequest __soapCall
  hash hash_hmac hash_file hash_pbkdf2 md5 md5_file sha1 sha1_file crc32 crypt password_hash
  password_verify openssl_encrypt openssl_decrypt openssl_sign openssl_verify openssl_pkey_new
  random_bytes random_int preg_match preg_match_all preg_replace preg_replace_callback preg_split
  json_encode json_decode serialize unserialize var_export print_r var_dump
  gzcompress gzuncompress gzencode gzdecode gzinflate gzdeflate iconv mb_convert_encoding
  simplexml_load_string simplexml_load_file array_map array_filter array_walk array_reduce usort
  uasort uksort sort ksort asort array_multisort call_user_func call_user_func_array
  iterator_to_array str_replace str_repeat implode explode sprintf number_format microtime
  ob_start ob_get_clean ob_end_flush flush session_start session_write_close header
  apcu_fetch apcu_store imagecreatefromjpeg imagecopyresampled imagejpeg imagepng getimagesize
  ldap_bind ldap_search ftp_connect ftp_get ftp_put
`.split(/\s+/).filter(Boolean));

function bare(fn: string): string {
  return fn.endsWith('()') ? fn.slice(0, -2) : fn;
}

/**
 * A frame is internal (not application code) when
 * - it is an include/eval or an unreadable frame (`[INCLUDE_OR_EVAL]()`, `???()`), or
 * - it is the innermost frame and its name is a known PHP built-in (there is no callee to
 *   compare with), or
 * - it is an outer frame and its callee was reported at the very same call site: the slowlog
 *   reports a frame's position by walking out to the nearest PHP code, so a built-in that calls
 *   back into PHP (array_map, call_user_func, usort ...) and its callback share the position.
 *   Recursion on one line also shares it, which is why the names must differ.
 */
export function isInternal(frames: readonly SlowFrame[], i: number): boolean {
  const f = frames[i];
  if (f.function === '[INCLUDE_OR_EVAL]()' || f.function === '???()') return true;
  if (i === 0) return BUILTINS.has(bare(f.function));
  const callee = frames[i - 1];
  return f.line !== null && callee.file === f.file && callee.line === f.line && callee.function !== f.function;
}

/** The innermost frame that is application code: where to look first for a slow request. */
export function appFrame(frames: readonly SlowFrame[]): string | null {
  for (let i = 0; i < frames.length; i++) if (!isInternal(frames, i)) return frames[i].function;
  return null;
}
