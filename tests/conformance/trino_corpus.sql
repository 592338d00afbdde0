-- Trino conformance corpus: one statement per line. Answers recorded from a real Trino server
-- by record_trino.py into trino_corpus.jsonl; test_trino_corpus.py replays them on lakebed.
-- naming and literal types
SELECT 1
SELECT 1, 2 AS b, 3
SELECT count(*)
SELECT x FROM (VALUES 1, 2) AS t(x) ORDER BY x
SELECT t.x, x + 1 FROM (VALUES 1) AS t(x)
SELECT 'abc'
SELECT 1.5
SELECT 1.50 + 2.5
SELECT 1e3
SELECT 9223372036854775807
SELECT 2147483648
SELECT true, false, NULL
SELECT DATE '2024-02-29'
SELECT TIMESTAMP '2024-01-01 10:00:00'
SELECT TIMESTAMP '2024-01-01 10:00:00.123'
SELECT TIMESTAMP '2024-01-01 10:00:00.123456'
SELECT X'0102ff'
SELECT CAST(1 AS tinyint), CAST(1 AS smallint), CAST(1 AS bigint), CAST(1 AS real), CAST(1 AS double)
SELECT CAST('1.25' AS decimal(10, 2))
SELECT typeof(1), typeof(1.5), typeof('ab'), typeof(1e0), typeof(true)
SELECT typeof(2147483648), typeof(CAST(1 AS smallint)), typeof(CAST(1 AS real))
SELECT typeof(ARRAY[1, 2]), typeof(MAP(ARRAY['a'], ARRAY[1])), typeof(ROW(1, 'a'))
SELECT typeof(DATE '2024-01-01'), typeof(TIMESTAMP '2024-01-01 00:00:00'), typeof(NULL)
SELECT typeof(CAST('x' AS varchar(10))), typeof(CAST(1 AS decimal(10, 2)))
SELECT typeof(TIMESTAMP '2024-01-01 00:00:00.123'), typeof(current_date)
-- arithmetic
SELECT 7 / 2, -7 / 2, 7 / -2, -7 / -2
SELECT 7 % 3, -7 % 3, 7 % -3
SELECT 7.0 / 2, 7 / 2.0, 7e0 / 2
SELECT 1 / 0
SELECT 1 % 0
SELECT 1.0 / 0
SELECT 1e0 / 0, -1e0 / 0, 0e0 / 0
SELECT 2147483647 + 1
SELECT 9223372036854775807 + 1
SELECT CAST(127 AS tinyint) + CAST(1 AS tinyint)
SELECT -CAST(-2147483648 AS integer)
SELECT 1.5 * 2.25, 1.5 + 2.25, 1.5 - 2.25
SELECT typeof(1.5 * 2.25), typeof(1.5 + 2.25), typeof(1.5 / 2.25)
SELECT 10.00 / 3, typeof(10.00 / 3)
SELECT 1 + 1.5, typeof(1 + 1.5)
SELECT 1 + 1e0, typeof(1 + 1e0)
SELECT abs(-5), abs(-5.5), abs(CAST(-3 AS bigint))
SELECT ceil(1.2), floor(-1.2), ceiling(1.5e0), typeof(ceil(1.2))
SELECT round(2.5), round(-2.5), round(2.5e0), round(-2.5e0)
SELECT round(1.2345, 2), round(1234.5, -2), round(1.005e0, 2)
SELECT truncate(1.99e0), truncate(-1.99e0), truncate(1.99, 1)
SELECT sign(-3), sign(0), sign(2.5), sign(-2e0)
SELECT power(2, 10), pow(2.0, 0.5), sqrt(16), cbrt(27)
SELECT exp(0), ln(1), log2(8), log10(1000), log(2, 8)
SELECT mod(7, 3), mod(-7, 3), mod(7.5, 2)
SELECT greatest(1, 2, 3), least(1, 2, 3), greatest(1, NULL, 3), least('b', 'a')
SELECT greatest(1.5, 2), least(1, 2e0)
SELECT pi(), e()
SELECT infinity(), -infinity(), is_nan(nan()), is_finite(1e0), is_infinite(infinity())
SELECT width_bucket(5.3, 0.2, 10.6, 5)
SELECT bitwise_and(12, 10), bitwise_or(12, 10), bitwise_xor(12, 10), bitwise_not(12)
SELECT to_base(255, 16), from_base('ff', 16)
SELECT CAST(2.5 AS integer), CAST(-2.5 AS integer), CAST(2.4e0 AS bigint), CAST(3.5e0 AS integer)
SELECT CAST(1.999 AS decimal(3, 2)), CAST(12.5 AS decimal(2, 0))
SELECT CAST(123.456 AS decimal(4, 1))
SELECT CAST(300 AS tinyint)
SELECT CAST(1e10 AS integer)
SELECT random() >= 0
-- casts
SELECT CAST('12' AS integer), CAST(' 12 ' AS integer)
SELECT CAST('abc' AS integer)
SELECT TRY_CAST('abc' AS integer), TRY_CAST('12' AS integer)
SELECT CAST('1.5' AS double), CAST('1e3' AS double)
SELECT CAST('2024-01-31' AS date), CAST('2024-01-31 10:11:12' AS timestamp)
SELECT CAST('2024-13-01' AS date)
SELECT TRY_CAST('2024-13-01' AS date)
SELECT CAST('true' AS boolean), CAST('false' AS boolean), CAST(0 AS boolean), CAST(5 AS boolean)
SELECT CAST('yes' AS boolean)
SELECT CAST(true AS integer), CAST(false AS varchar)
SELECT CAST(1.5 AS varchar), CAST(1e0 AS varchar), CAST(1.5e0 AS varchar), CAST(12345678.9e0 AS varchar)
SELECT CAST(DATE '2024-01-02' AS varchar), CAST(TIMESTAMP '2024-01-02 03:04:05' AS varchar)
SELECT CAST(TIMESTAMP '2024-01-02 03:04:05.678' AS date)
SELECT CAST(DATE '2024-01-02' AS timestamp)
SELECT CAST(ARRAY[1, 2] AS array(varchar))
SELECT CAST(NULL AS integer), CAST(NULL AS varchar)
SELECT CAST('abc' AS varchar(2))
SELECT CAST(12345 AS varchar(3))
SELECT CAST(1.5 AS real), typeof(CAST(1.5 AS real))
SELECT try(1 / 0), try(CAST('x' AS integer))
-- NULL handling
SELECT NULL + 1, NULL = NULL, NULL IS NULL, NULL IS DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL
SELECT 'a' || NULL, concat('a', NULL), concat('a', 'b', 'c')
SELECT coalesce(NULL, 2, 3), nullif(1, 1), nullif(1, 2)
SELECT if(NULL, 1, 2), if(true, 1), if(false, 1)
SELECT CASE WHEN NULL THEN 1 ELSE 2 END, CASE NULL WHEN NULL THEN 'x' ELSE 'y' END
SELECT NULL AND false, NULL OR true, NOT NULL
SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL)
SELECT count(x), count(*), sum(x), avg(x), min(x), max(x) FROM (VALUES 1, NULL, 3) AS t(x)
SELECT sum(x), avg(x), count(x) FROM (VALUES CAST(NULL AS integer)) AS t(x)
SELECT x FROM (VALUES 3, NULL, 1) AS t(x) ORDER BY x
SELECT x FROM (VALUES 3, NULL, 1) AS t(x) ORDER BY x DESC
SELECT x FROM (VALUES 3, NULL, 1) AS t(x) ORDER BY x NULLS FIRST
SELECT array_sort(ARRAY[3, NULL, 1])
SELECT ARRAY[1, NULL] = ARRAY[1, NULL], ROW(1, NULL) = ROW(1, NULL)
SELECT length(CAST(NULL AS varchar)), upper(CAST(NULL AS varchar)), substr(CAST(NULL AS varchar), 1)
-- strings
SELECT length('hello'), length('')
SELECT upper('abc'), lower('ABC')
SELECT substr('hello', 2), substr('hello', 2, 3), substr('hello', -3), substr('hello', -3, 2), substring('hello', 0)
SELECT substr('hello', 10), substr('hello', 1, 0)
SELECT substring('hello' FROM 2 FOR 2)
SELECT strpos('hello', 'l'), strpos('hello', 'z'), strpos('hello', 'l', 2), position('l' IN 'hello')
SELECT replace('banana', 'a', 'o'), replace('banana', 'a')
SELECT reverse('abc'), trim('  a  '), ltrim('  a'), rtrim('a  ')
SELECT trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING 'x' FROM 'xxa'), trim(TRAILING 'x' FROM 'axx')
SELECT lpad('7', 3, '0'), rpad('7', 3, '0'), lpad('hello', 2, 'x'), rpad('ab', 5, 'xy')
SELECT lpad('a', 3, '')
SELECT split('a,b,,c', ','), split('a,b,c', ',', 2), split('', ',')
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 4)
SELECT split_part('a,b,c', ',', 0)
SELECT split_to_map('a=1,b=2', ',', '=')
SELECT concat_ws(',', 'a', NULL, 'b'), concat_ws(',', ARRAY['x', 'y'])
SELECT starts_with('hello', 'he'), starts_with('hello', 'lo')
SELECT chr(65), codepoint('A')
SELECT levenshtein_distance('kitten', 'sitting'), hamming_distance('abc', 'abd')
SELECT translate('abcd', 'bd', 'x')
SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'a_c' LIKE 'a\_c' ESCAPE '\', 'ABC' LIKE 'a%'
SELECT 'abc' < 'abd', 'a' = 'a ', 'B' < 'a'
SELECT format('%s-%d', 'a', 5), format('%.2f', 3.14159), format('%05d', 42)
SELECT format('%s and %s', 1, NULL), format('%x', 255), format('%10s|', 'ab'), format('%-4s|', 'ab')
SELECT to_utf8('é'), from_utf8(X'68656c6c6f')
SELECT normalize('é'), word_stem('running')
SELECT luhn_check('79927398713')
SELECT soundex('Robert')
SELECT md5(to_utf8('abc')), sha1(to_utf8('abc')), sha256(to_utf8('abc'))
SELECT to_hex(md5(to_utf8('abc'))), lower(to_hex(sha256(to_utf8(''))))
SELECT to_base64(to_utf8('hello')), from_utf8(from_base64('aGVsbG8='))
SELECT crc32(to_utf8('abc')), xxhash64(to_utf8('abc'))
SELECT length(to_utf8('héllo')), length('héllo')
SELECT 'a' || 1, 1 || 'a'
SELECT 'x' || CAST(1.5 AS varchar) || 'y'
SELECT upper('straße'), lower('İ')
-- regular expressions (Java syntax)
SELECT regexp_like('abc123', '\d+'), regexp_like('abc', '^b'), regexp_like('ABC', '(?i)abc')
SELECT regexp_extract('abc-123', '\d+'), regexp_extract('abc-123', '([a-z]+)-(\d+)', 2), regexp_extract('abc', '\d+')
SELECT regexp_extract('abc', '(a)(b)', 3)
SELECT regexp_extract_all('a1b22c333', '\d+'), regexp_extract_all('a1b22', '([a-z])(\d+)', 2)
SELECT regexp_replace('abc-123', '(\w+)-(\d+)', '$2-$1'), regexp_replace('aaa', 'a', 'b'), regexp_replace('abc', 'b')
SELECT regexp_replace('a.b.c', '\.', '\$'), regexp_replace('abc', '(?<x>b)', '[${x}]')
SELECT regexp_count('a1b22c333', '\d'), regexp_position('abcabc', 'c'), regexp_position('abcabc', 'c', 4)
SELECT regexp_split('a1b22c', '\d+')
SELECT regexp_like('a.c', 'a\.c'), regexp_like('foo\nbar', 'foo.bar')
SELECT regexp_extract('2024-01-15', '(\d{4})-(\d{2})', 1)
SELECT regexp_replace('Hello World', '(\w+)', '<$1>')
SELECT regexp_like('abc', '[')
SELECT regexp_extract('x', '\p{Lu}'), regexp_like('É', '\p{L}')
-- dates and times
SELECT date_add('day', 1, DATE '2024-02-28'), date_add('month', 1, DATE '2024-01-31'), date_add('year', -1, DATE '2024-02-29')
SELECT date_add('hour', 5, TIMESTAMP '2024-01-01 22:00:00'), date_add('millisecond', 1500, TIMESTAMP '2024-01-01 00:00:00.000')
SELECT date_add('week', 2, DATE '2024-01-01'), date_add('quarter', 1, DATE '2024-01-31')
SELECT date_diff('day', DATE '2024-01-01', DATE '2024-03-01'), date_diff('month', DATE '2024-01-31', DATE '2024-02-29'), date_diff('year', DATE '2020-06-01', DATE '2024-05-31')
SELECT date_diff('hour', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 05:59:59'), date_diff('second', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 00:01:00.999')
SELECT date_diff('day', DATE '2024-03-01', DATE '2024-01-01'), date_diff('week', DATE '2024-01-01', DATE '2024-01-20')
SELECT date_trunc('month', DATE '2024-05-17'), date_trunc('year', DATE '2024-05-17'), date_trunc('quarter', DATE '2024-05-17'), date_trunc('week', DATE '2024-05-17')
SELECT date_trunc('hour', TIMESTAMP '2024-05-17 10:42:13.5'), date_trunc('minute', TIMESTAMP '2024-05-17 10:42:13'), date_trunc('day', TIMESTAMP '2024-05-17 10:42:13')
SELECT year(DATE '2024-05-17'), month(DATE '2024-05-17'), day(DATE '2024-05-17'), quarter(DATE '2024-05-17')
SELECT day_of_week(DATE '2024-05-19'), dow(DATE '2024-05-20'), day_of_year(DATE '2024-05-17'), doy(DATE '2024-12-31')
SELECT week(DATE '2024-01-01'), week_of_year(DATE '2021-01-03'), year_of_week(DATE '2021-01-03')
SELECT hour(TIMESTAMP '2024-01-01 13:14:15.678'), minute(TIMESTAMP '2024-01-01 13:14:15.678'), second(TIMESTAMP '2024-01-01 13:14:15.678'), millisecond(TIMESTAMP '2024-01-01 13:14:15.678')
SELECT extract(YEAR FROM DATE '2024-05-17'), extract(DOW FROM DATE '2024-05-19'), extract(HOUR FROM TIMESTAMP '2024-01-01 13:00:00')
SELECT last_day_of_month(DATE '2024-02-10'), last_day_of_month(TIMESTAMP '2023-02-10 10:00:00')
SELECT date_format(TIMESTAMP '2024-01-05 13:04:05', '%Y-%m-%d %H:%i:%s'), date_format(TIMESTAMP '2024-01-05 13:04:05', '%d/%m/%y %h:%i %p')
SELECT date_format(TIMESTAMP '2024-01-05 13:04:05.123', '%W %M %e %c %j %f'), date_format(DATE '2024-01-05', '%a %b %d')
SELECT date_format(DATE '2024-01-05', '%D')
SELECT date_format(TIMESTAMP '2024-01-05 13:04:05', '%T %r %k %l %S')
SELECT date_parse('2024-01-05 13:04:05', '%Y-%m-%d %H:%i:%s'), date_parse('05/01/2024', '%d/%m/%Y')
SELECT date_parse('2024-01-05 01:04 PM', '%Y-%m-%d %h:%i %p'), typeof(date_parse('2024-01-05', '%Y-%m-%d'))
SELECT date_parse('2024-13-05', '%Y-%m-%d')
SELECT format_datetime(TIMESTAMP '2024-01-05 13:04:05.123', 'yyyy-MM-dd HH:mm:ss.SSS'), format_datetime(TIMESTAMP '2024-01-05 13:04:05', 'EEE, dd MMM yyyy')
SELECT format_datetime(TIMESTAMP '2024-01-05 13:04:05', 'yyyyMMdd''T''HHmm'), format_datetime(DATE '2024-07-04', 'EEEE MMMM d yy')
SELECT parse_datetime('2024-01-05 13:04', 'yyyy-MM-dd HH:mm'), typeof(parse_datetime('2024-01-05', 'yyyy-MM-dd'))
SELECT from_unixtime(0), from_unixtime(1700000000.5), typeof(from_unixtime(0))
SELECT to_unixtime(TIMESTAMP '2024-01-01 00:00:00'), to_unixtime(TIMESTAMP '1970-01-01 00:00:01.5')
SELECT from_unixtime_nanos(1700000000123456789)
SELECT from_iso8601_timestamp('2024-01-05T13:04:05Z'), from_iso8601_timestamp('2024-01-05T13:04:05.123+02:00')
SELECT from_iso8601_date('2024-01-05'), typeof(from_iso8601_date('2024-01-05'))
SELECT to_iso8601(TIMESTAMP '2024-01-01 10:00:00.123'), to_iso8601(DATE '2024-01-01'), to_iso8601(TIMESTAMP '2024-01-01 10:00:00')
SELECT to_milliseconds(INTERVAL '1' DAY), to_milliseconds(INTERVAL '2' SECOND)
SELECT DATE '2024-01-31' + INTERVAL '1' MONTH, DATE '2024-03-01' - INTERVAL '1' DAY, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '90' MINUTE
SELECT DATE '2024-03-01' - DATE '2024-01-01'
SELECT TIMESTAMP '2024-01-02 00:00:00' - TIMESTAMP '2024-01-01 12:00:00'
SELECT INTERVAL '3' DAY, INTERVAL '2' YEAR, INTERVAL '1-6' YEAR TO MONTH
SELECT DATE '2024-01-01' < DATE '2024-01-02', DATE '2024-01-01' = TIMESTAMP '2024-01-01 00:00:00'
SELECT human_readable_seconds(3725)
SELECT date '2024-02-30'
SELECT from_unixtime(0, 'America/New_York')
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', 'Asia/Tokyo')
SELECT TIMESTAMP '2024-01-01 12:00:00 UTC', typeof(TIMESTAMP '2024-01-01 12:00:00 UTC')
SELECT CAST(TIMESTAMP '2024-01-01 12:00:00.123456 UTC' AS timestamp(3))
SELECT CAST(TIMESTAMP '2024-01-01 12:00:00.1239' AS timestamp(3)), CAST(TIMESTAMP '2024-01-01 12:00:00.9999' AS timestamp(0))
SELECT date_trunc('second', TIMESTAMP '2024-01-01 12:00:00.999')
SELECT day(TIMESTAMP '2024-12-31 23:59:59.999'), day_of_month(DATE '2024-02-29')
SELECT current_date = CAST(now() AS date)
-- arrays
SELECT ARRAY[1, 2, 3], ARRAY['a', NULL], ARRAY[]
SELECT ARRAY[1, 2, 3][1], ARRAY[1, 2, 3][3]
SELECT ARRAY[1, 2, 3][4]
SELECT ARRAY[1, 2, 3][0]
SELECT ARRAY[1, 2, 3][-1]
SELECT element_at(ARRAY[1, 2, 3], 1), element_at(ARRAY[1, 2, 3], -1), element_at(ARRAY[1, 2, 3], 5)
SELECT element_at(ARRAY[1, 2, 3], 0)
SELECT cardinality(ARRAY[1, 2, 3]), cardinality(ARRAY[]), cardinality(NULL)
SELECT contains(ARRAY[1, 2], 2), contains(ARRAY[1, NULL], 3), contains(ARRAY[1, 2], NULL)
SELECT array_position(ARRAY[5, 6, 7], 7), array_position(ARRAY[5, 6], 8)
SELECT array_distinct(ARRAY[1, 2, 1, NULL, NULL]), array_max(ARRAY[1, 5, 3]), array_min(ARRAY['b', 'a'])
SELECT array_max(ARRAY[1, NULL, 3])
SELECT array_join(ARRAY['a', 'b', NULL], ','), array_join(ARRAY['a', NULL], ',', '*'), array_join(ARRAY[1, 2], '-')
SELECT array_sort(ARRAY[3, 1, 2]), array_sort(ARRAY['b', 'a', 'C'])
SELECT array_sort(ARRAY[3, 1, 2], (a, b) -> IF(a < b, 1, IF(a = b, 0, -1)))
SELECT reverse(ARRAY[1, 2, 3]), array_remove(ARRAY[1, 2, 1], 1)
SELECT array_union(ARRAY[1, 2], ARRAY[2, 3]), array_intersect(ARRAY[1, 2, 2], ARRAY[2, 3]), array_except(ARRAY[1, 2, 3], ARRAY[2])
SELECT arrays_overlap(ARRAY[1, 2], ARRAY[2, 3]), arrays_overlap(ARRAY[1], ARRAY[2])
SELECT concat(ARRAY[1], ARRAY[2, 3]), ARRAY[1] || ARRAY[2], ARRAY[1] || 2
SELECT slice(ARRAY[1, 2, 3, 4], 2, 2), slice(ARRAY[1, 2, 3, 4], -2, 5)
SELECT sequence(1, 5), sequence(5, 1, -2), sequence(DATE '2024-01-01', DATE '2024-01-03')
SELECT sequence(1, 5, 0)
SELECT repeat('ab', 3), repeat(1, 2)
SELECT flatten(ARRAY[ARRAY[1, 2], ARRAY[3]])
SELECT array_sum(ARRAY[1, 2, 3])
SELECT shuffle(ARRAY[1])
SELECT combinations(ARRAY[1, 2, 3], 2)
SELECT ngrams(ARRAY['a', 'b', 'c'], 2)
SELECT trim_array(ARRAY[1, 2, 3], 1)
SELECT zip(ARRAY[1, 2], ARRAY['a', 'b'])
SELECT zip(ARRAY[1, 2, 3], ARRAY['a'])
SELECT typeof(zip(ARRAY[1], ARRAY['a']))
SELECT ARRAY[ARRAY[1, 2], ARRAY[3]][2][1]
SELECT all_match(ARRAY[1, 2], x -> x > 0), any_match(ARRAY[1, 2], x -> x > 1), none_match(ARRAY[1, 2], x -> x > 5)
SELECT any_match(ARRAY[1, NULL], x -> x > 1), all_match(ARRAY[], x -> x > 1)
-- lambdas
SELECT transform(ARRAY[1, 2, 3], x -> x * 2), filter(ARRAY[1, 2, 3, 4], x -> x % 2 = 0)
SELECT transform(ARRAY['a', 'b'], x -> upper(x)), transform(ARRAY[1, NULL], x -> x + 1)
SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s)
SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10)
SELECT reduce(ARRAY[5, 20, 50], CAST(ROW(0.0, 0) AS ROW(sum DOUBLE, count INTEGER)), (s, x) -> CAST(ROW(x + s.sum, s.count + 1) AS ROW(sum DOUBLE, count INTEGER)), s -> IF(s.count = 0, NULL, s.sum / s.count))
SELECT reduce(ARRAY[], 0, (s, x) -> s + x, s -> s)
SELECT zip_with(ARRAY[1, 2], ARRAY[3, 4], (x, y) -> x + y), zip_with(ARRAY[1, 2], ARRAY[3], (x, y) -> coalesce(y, -1))
SELECT transform_keys(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> upper(k)), transform_values(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> v * 10)
SELECT map_filter(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), (k, v) -> v > 1)
SELECT map_zip_with(MAP(ARRAY['a'], ARRAY[1]), MAP(ARRAY['a'], ARRAY[2]), (k, v1, v2) -> v1 + v2)
SELECT filter(ARRAY[5, -6, NULL, 7], x -> x > 0)
SELECT transform(ARRAY[ARRAY[1, 2], ARRAY[3]], a -> cardinality(a))
SELECT transform(sequence(1, 3), i -> i * i)
-- maps
SELECT MAP(ARRAY['a', 'b'], ARRAY[1, 2])
SELECT MAP(ARRAY['a', 'b'], ARRAY[1, 2])['b']
SELECT MAP(ARRAY['a', 'b'], ARRAY[1, 2])['z']
SELECT element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'z'), element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'a')
SELECT map_keys(MAP(ARRAY['a', 'b'], ARRAY[1, 2])), map_values(MAP(ARRAY['a', 'b'], ARRAY[1, 2]))
SELECT cardinality(MAP(ARRAY['a', 'b'], ARRAY[1, 2]))
SELECT map_concat(MAP(ARRAY['a'], ARRAY[1]), MAP(ARRAY['a', 'b'], ARRAY[2, 3]))
SELECT map_from_entries(ARRAY[ROW('a', 1), ROW('b', 2)]), map_entries(MAP(ARRAY['a'], ARRAY[1]))
SELECT MAP(ARRAY['a', 'a'], ARRAY[1, 2])
SELECT MAP(ARRAY['a'], ARRAY[1, 2])
SELECT MAP(ARRAY[NULL], ARRAY[1])
SELECT map(), typeof(map())
SELECT multimap_from_entries(ARRAY[ROW(1, 'a'), ROW(1, 'b'), ROW(2, 'c')])
SELECT map_agg(k, v) FROM (VALUES ('a', 1), ('b', 2)) AS t(k, v)
SELECT histogram(x) FROM (VALUES 'a', 'b', 'a') AS t(x)
SELECT MAP(ARRAY[1, 2], ARRAY['x', 'y'])[2]
SELECT contains(map_keys(MAP(ARRAY['a'], ARRAY[1])), 'a')
-- rows
SELECT ROW(1, 'a'), CAST(ROW(1, 'a') AS ROW(x integer, y varchar))
SELECT CAST(ROW(1, 'a') AS ROW(x integer, y varchar)).x
SELECT r.y FROM (SELECT CAST(ROW(1, 'a') AS ROW(x integer, y varchar)) AS r)
SELECT ROW(1, 2) = ROW(1, 2), ROW(1, 2) < ROW(1, 3)
SELECT ROW(1, 'a')[1]
SELECT typeof(CAST(ROW(1, 'a') AS ROW(x integer, y varchar)))
-- json
SELECT json_extract('{"a": {"b": 1}}', '$.a'), json_extract('{"a": [1, 2]}', '$.a[1]')
SELECT json_extract_scalar('{"a": {"b": "x"}}', '$.a.b'), json_extract_scalar('{"a": 1.5}', '$.a'), json_extract_scalar('{"a": {"b": 1}}', '$.a')
SELECT json_extract_scalar('{"a": true}', '$.a'), json_extract_scalar('{"a": null}', '$.a'), json_extract_scalar('[1, 2]', '$[0]')
SELECT json_extract_scalar('{"a b": 1}', '$["a b"]')
SELECT json_extract_scalar('not json', '$.a')
SELECT json_parse('{"a": 1, "b": [1, 2]}'), typeof(json_parse('1'))
SELECT json_parse('{"b": 1, "a": 2}')
SELECT json_parse('not json')
SELECT json_format(json_parse('{"a": 1}')), json_format(JSON '[1, "x"]')
SELECT CAST(json_parse('[1, 2]') AS array(integer)), CAST(json_parse('{"a": 1}') AS map(varchar, integer))
SELECT CAST(ARRAY[1, 2] AS json), CAST(MAP(ARRAY['a'], ARRAY[1]) AS json), CAST('x' AS json)
SELECT CAST(json_parse('"abc"') AS varchar), CAST(json_parse('12') AS integer)
SELECT json_array_length('[1, 2, 3]'), json_array_contains('[1, 2, 3]', 2), json_array_get('[1, 2, 3]', 1), json_array_get('[1, 2, 3]', -1)
SELECT json_array_contains('["a"]', 'a'), json_array_length('{}')
SELECT json_size('{"a": {"b": 1, "c": 2}}', '$.a'), json_size('[1, 2]', '$')
SELECT is_json_scalar('1'), is_json_scalar('[1]')
SELECT json_extract('{"a": 1}', '$.b'), json_extract(json_parse('{"a": "x"}'), '$.a')
SELECT JSON '{"a": 1}', typeof(JSON '{"a": 1}')
SELECT json_query('{"a": {"b": 1}}', 'lax $.a'), json_value('{"a": 5}', 'lax $.a')
SELECT json_exists('{"a": 1}', 'lax $.a'), json_exists('{"a": 1}', 'lax $.b')
SELECT json_object('a': 1), json_array(1, 'x')
-- url
SELECT url_extract_host('https://example.com:8080/a/b?x=1&y=2#frag'), url_extract_port('https://example.com:8080/a'), url_extract_path('https://example.com/a/b?x=1')
SELECT url_extract_protocol('https://example.com/a'), url_extract_query('https://example.com/a?x=1&y=2'), url_extract_fragment('https://example.com/a#frag')
SELECT url_extract_parameter('https://example.com/a?x=1&y=2', 'y'), url_extract_parameter('https://example.com/a?x=1', 'z')
SELECT url_extract_port('https://example.com/a'), url_extract_host('not a url')
SELECT url_encode('a b&c=d/é'), url_decode('a+b%26c')
SELECT url_extract_parameter('http://x.com/?a=1&a=2', 'a')
-- aggregates
SELECT count(*), count(x), count(DISTINCT x) FROM (VALUES 1, 1, 2, NULL) AS t(x)
SELECT sum(x), typeof(sum(x)) FROM (VALUES 1, 2) AS t(x)
SELECT sum(x), typeof(sum(x)) FROM (VALUES CAST(1 AS bigint)) AS t(x)
SELECT sum(x), typeof(sum(x)) FROM (VALUES 1.5, 2.25) AS t(x)
SELECT sum(x), typeof(sum(x)) FROM (VALUES 1.5e0, 2.5e0) AS t(x)
SELECT sum(x) FROM (VALUES 9223372036854775807, 1) AS t(x)
SELECT avg(x), typeof(avg(x)) FROM (VALUES 1, 2) AS t(x)
SELECT avg(x), typeof(avg(x)) FROM (VALUES 1.5, 2.25) AS t(x)
SELECT avg(x) FROM (VALUES 1.0, 2.0, 2.0) AS t(x)
SELECT typeof(count(*)), typeof(count_if(true))
SELECT min(x), max(x) FROM (VALUES 'b', 'a', 'c') AS t(x)
SELECT max_by(x, y), min_by(x, y) FROM (VALUES ('a', 1), ('b', 3), ('c', 2)) AS t(x, y)
SELECT max_by(x, y, 2) FROM (VALUES ('a', 1), ('b', 3), ('c', 2)) AS t(x, y)
SELECT count_if(x > 1), bool_and(x > 0), bool_or(x > 2), every(x > 0) FROM (VALUES 1, 2, 3) AS t(x)
SELECT arbitrary(x) FROM (VALUES 7) AS t(x)
SELECT any_value(x) FROM (VALUES 7) AS t(x)
SELECT array_agg(x ORDER BY x DESC) FROM (VALUES 3, 1, 2) AS t(x)
SELECT array_agg(x) FROM (VALUES 1, NULL) AS t(x)
SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) FROM (VALUES 'b', 'a') AS t(x)
SELECT approx_distinct(x) FROM (VALUES 1, 2, 2, 3) AS t(x)
SELECT approx_percentile(x, 0.5) FROM (VALUES 1, 2, 3, 4, 5) AS t(x)
SELECT approx_percentile(x, ARRAY[0.0, 1.0]) FROM (VALUES 1, 2, 3) AS t(x)
SELECT stddev(x), stddev_pop(x), variance(x), var_pop(x) FROM (VALUES 1, 2, 3, 4) AS t(x)
SELECT stddev(x) FROM (VALUES 1) AS t(x)
SELECT corr(x, y), covar_pop(x, y), covar_samp(x, y), regr_slope(y, x) FROM (VALUES (1, 2), (2, 4), (3, 7)) AS t(x, y)
SELECT geometric_mean(x) FROM (VALUES 1, 4) AS t(x)
SELECT bitwise_and_agg(x), bitwise_or_agg(x) FROM (VALUES 12, 10) AS t(x)
SELECT checksum(x) IS NOT NULL FROM (VALUES 1) AS t(x)
SELECT sum(x) FILTER (WHERE x > 1) FROM (VALUES 1, 2, 3) AS t(x)
SELECT k, count(*) FROM (VALUES 'a', 'b', 'a') AS t(k) GROUP BY k ORDER BY k
SELECT k, sum(v) AS s FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) AS t(k, v) GROUP BY 1 HAVING sum(v) > 2 ORDER BY 1
SELECT count(*) FROM (VALUES 1) AS t(x) WHERE false
SELECT sum(x) FROM (VALUES 1) AS t(x) WHERE false
SELECT max(x) FROM (VALUES 1) AS t(x) GROUP BY x HAVING false
-- grouping
SELECT k, j, sum(v) FROM (VALUES ('a', 'x', 1), ('a', 'y', 2), ('b', 'x', 3)) AS t(k, j, v) GROUP BY ROLLUP (k, j) ORDER BY k, j
SELECT k, j, sum(v), grouping(k, j) FROM (VALUES ('a', 'x', 1), ('b', 'y', 2)) AS t(k, j, v) GROUP BY CUBE (k, j) ORDER BY 4, 1, 2
SELECT k, j, count(*) FROM (VALUES ('a', 'x'), ('b', 'y')) AS t(k, j) GROUP BY GROUPING SETS ((k), (j), ()) ORDER BY 1, 2
SELECT k, grouping(k), sum(v) FROM (VALUES ('a', 1), ('b', 2)) AS t(k, v) GROUP BY ROLLUP (k) ORDER BY 2, 1
SELECT k, count(*) FROM (VALUES 'a', 'b') AS t(k) GROUP BY DISTINCT ROLLUP (k), CUBE (k) ORDER BY 1
-- window functions
SELECT x, row_number() OVER (ORDER BY x), rank() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x) FROM (VALUES 1, 1, 2) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x) FROM (VALUES 1, 1, 2) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x
SELECT x, avg(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM (VALUES 1, 2, 3, 4) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES 1, 2, 4) AS t(x) ORDER BY x
SELECT x, lag(x) OVER (ORDER BY x), lead(x, 1, 0) OVER (ORDER BY x) FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x
SELECT x, first_value(x) OVER (ORDER BY x), last_value(x) OVER (ORDER BY x), nth_value(x, 2) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x
SELECT x, ntile(2) OVER (ORDER BY x), percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x
SELECT k, x, row_number() OVER (PARTITION BY k ORDER BY x DESC) FROM (VALUES ('a', 1), ('a', 2), ('b', 3)) AS t(k, x) ORDER BY k, x
SELECT x, count(*) OVER () FROM (VALUES 1, 2) AS t(x) ORDER BY x
SELECT typeof(row_number() OVER ()), typeof(rank() OVER ()), typeof(ntile(2) OVER ())
SELECT x, sum(x) OVER w FROM (VALUES 1, 2) AS t(x) WINDOW w AS (ORDER BY x) ORDER BY x
SELECT x, max(x) OVER (ORDER BY x ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM (VALUES 1, 3, 2) AS t(x) ORDER BY x
-- unnest, values, sampling, limits, set operations
SELECT x FROM UNNEST(ARRAY[1, 2, 3]) AS t(x)
SELECT x, n FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t(x, n)
SELECT k, v FROM UNNEST(MAP(ARRAY['a', 'b'], ARRAY[1, 2])) AS t(k, v) ORDER BY k
SELECT k, v, n FROM UNNEST(MAP(ARRAY['a'], ARRAY[1])) WITH ORDINALITY AS t(k, v, n)
SELECT a, b FROM UNNEST(ARRAY[1, 2], ARRAY['x']) AS t(a, b)
SELECT id, x FROM (VALUES (1, ARRAY[10, 20]), (2, ARRAY[])) AS t(id, xs) CROSS JOIN UNNEST(xs) AS u(x) ORDER BY id, x
SELECT id, x FROM (VALUES (1, ARRAY[10, 20]), (2, ARRAY[])) AS t(id, xs) LEFT JOIN UNNEST(xs) AS u(x) ON true ORDER BY id, x
SELECT a, b FROM UNNEST(ARRAY[ROW(1, 'x'), ROW(2, 'y')]) AS t(a, b)
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)
VALUES 1, 2, 3
VALUES (1, 'a'), (2, 'b')
SELECT * FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x LIMIT 2
SELECT * FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x OFFSET 1
SELECT * FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x OFFSET 1 LIMIT 1
SELECT * FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x OFFSET 1 ROWS FETCH NEXT 1 ROWS ONLY
SELECT * FROM (VALUES 1, 1, 2) AS t(x) ORDER BY x FETCH FIRST 1 ROWS WITH TIES
SELECT count(*) FROM (VALUES 1, 2, 3) AS t(x) TABLESAMPLE BERNOULLI (100)
SELECT count(*) FROM (VALUES 1, 2, 3) AS t(x) TABLESAMPLE SYSTEM (0)
SELECT x FROM (VALUES 1, 2) AS t(x) UNION SELECT x FROM (VALUES 2, 3) AS t(x) ORDER BY x
SELECT x FROM (VALUES 1, 2) AS t(x) UNION ALL SELECT x FROM (VALUES 2, 3) AS t(x) ORDER BY x
SELECT x FROM (VALUES 1, 2, 2) AS t(x) INTERSECT SELECT x FROM (VALUES 2, 3) AS t(x)
SELECT x FROM (VALUES 1, 2, 2) AS t(x) EXCEPT SELECT x FROM (VALUES 2, 3) AS t(x)
SELECT x FROM (VALUES 1, 1, 2) AS t(x) INTERSECT ALL SELECT x FROM (VALUES 1, 1, 3) AS t(x)
SELECT 1 UNION SELECT 1.5
SELECT 'a' AS c UNION ALL SELECT 'bb' ORDER BY c
-- joins and subqueries
SELECT a.x, b.y FROM (VALUES 1, 2) AS a(x) JOIN (VALUES (1, 'one')) AS b(x, y) ON a.x = b.x
SELECT a.x, b.y FROM (VALUES 1, 2) AS a(x) LEFT JOIN (VALUES (1, 'one')) AS b(x, y) ON a.x = b.x ORDER BY 1
SELECT a.x, b.x FROM (VALUES 1, 2) AS a(x) FULL OUTER JOIN (VALUES 2, 3) AS b(x) ON a.x = b.x ORDER BY 1, 2
SELECT * FROM (VALUES 1) AS a(x) CROSS JOIN (VALUES 'p', 'q') AS b(y) ORDER BY y
SELECT x FROM (VALUES 1, 2, 3) AS t(x) WHERE x IN (SELECT y FROM (VALUES 2, 3) AS s(y)) ORDER BY x
SELECT x FROM (VALUES 1, 2) AS t(x) WHERE EXISTS (SELECT 1 FROM (VALUES 2) AS s(y) WHERE s.y = t.x)
SELECT (SELECT max(y) FROM (VALUES 5, 6) AS s(y))
SELECT (SELECT y FROM (VALUES 5, 6) AS s(y))
SELECT * FROM (VALUES 1) AS a(x) JOIN (VALUES 1) AS b(x) USING (x)
WITH c AS (SELECT 1 AS x) SELECT x + 1 FROM c
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r ORDER BY n
SELECT x FROM (VALUES 1, 2, 3) AS t(x) WHERE x > ALL (SELECT 1) ORDER BY x
SELECT DISTINCT x FROM (VALUES 1, 1, 2) AS t(x) ORDER BY x
SELECT x BETWEEN 1 AND 3, x NOT BETWEEN 1 AND 3 FROM (VALUES 2) AS t(x)
-- miscellaneous functions and errors
SELECT uuid() IS NOT NULL
SELECT typeof(uuid())
SELECT fail('boom')
SELECT no_such_function(1)
SELECT x FROM (VALUES 1) AS t(y)
SELECT 'a' + 1
SELECT CAST(ARRAY[1] AS integer)
SELECT from_hex('zz')
SELECT array_join(ARRAY[1.5, 2.25], ';')
SELECT IF(1 = 1, 'yes', 'no'), CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END
SELECT CASE WHEN 1 > 2 THEN 'a' END
SELECT greatest(DATE '2024-01-01', DATE '2024-02-01'), least(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2023-01-01 00:00:00')
SELECT greatest(nan(), 1e0)
SELECT bit_count(7, 64), bitwise_left_shift(1, 4), bitwise_right_shift(16, 2)
SELECT from_utf8(X'ff')
SELECT typeof(CAST(1 AS decimal(38, 0)) * 2), CAST(1 AS decimal(38, 0)) * 2
SELECT CAST(99999999999999999999999999999999999999 AS decimal(38, 0)) + 1
SELECT 123456789012345678 * 100
SELECT CAST(1 AS integer) * 3000000000
SELECT CAST(40000 AS smallint)
SELECT 5 / CAST(2 AS double), 5 / CAST(2 AS real)
SELECT CAST(1.123456789 AS real)
SELECT CAST(1 AS real) / 3
SELECT 0.1e0 + 0.2e0
SELECT 1e0 / 3
SELECT CAST(1e0 / 3 AS varchar)
SELECT 1e300 * 1e300
SELECT sqrt(-1)
SELECT ln(0)
SELECT CAST(nan() AS integer)
SELECT round(CAST(2.5 AS real)), typeof(round(CAST(2.5 AS real)))
SELECT round(15, -1), round(14, -1), typeof(round(15, -1))
SELECT floor(5), typeof(floor(5)), ceil(-1.5), typeof(ceil(-1.5))
SELECT CAST(5 AS decimal(3, 0)) / CAST(3 AS decimal(3, 0))
SELECT CAST(-5 AS decimal(3, 0)) / 3
SELECT 2.0 / 3.0, typeof(2.0 / 3.0)
SELECT 1.0000001 * 1.0000001
SELECT DECIMAL '1.5', typeof(DECIMAL '001.50')
SELECT contains('abc', 'b')
SELECT element_at(ARRAY['a'], 2)
SELECT ARRAY[1, 2] || ARRAY['a']
SELECT substr('héllo', 2, 2), length('😀'), reverse('héllo')
SELECT codepoint('é'), chr(233), upper('é')
SELECT strpos('abcabc', 'c', -1)
SELECT position('' IN 'abc'), strpos('abc', '')
SELECT split('abc', '')
SELECT replace('abc', '', '-')
SELECT lpad('abc', -1, 'x')
SELECT regexp_replace('abc', 'x*', '-')
SELECT regexp_extract_all('abc', 'x*')
SELECT regexp_replace('aaa', 'a', '$0$0')
SELECT regexp_replace('abc', '(b)', '$2')
-- added with the type-directed rules
SELECT CAST(TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'America/New_York' AS timestamp), CAST(TIMESTAMP '2024-07-01 02:00:00' AT TIME ZONE 'America/Los_Angeles' AS date)
SELECT CAST(from_unixtime(1700000000) AT TIME ZONE 'Asia/Kolkata' AS timestamp)
SELECT id, k, v FROM (VALUES (1, MAP(ARRAY['a', 'b'], ARRAY[10, 20])), (2, MAP(ARRAY['c'], ARRAY[30]))) AS t(id, m) CROSS JOIN UNNEST(m) AS u(k, v) ORDER BY id, k
SELECT x, y, n FROM UNNEST(ARRAY[1, 2, 3], ARRAY['a', 'b']) WITH ORDINALITY AS t(x, y, n)
SELECT id, a, b FROM (VALUES (1, ARRAY[ROW(1, 'x')])) AS t(id, rs) CROSS JOIN UNNEST(rs) AS u(a, b)
SELECT k, sum(v), avg(v), typeof(avg(v)) FROM (VALUES ('a', 1.25), ('a', 2.50), ('b', 3.00)) AS t(k, v) GROUP BY k ORDER BY k
SELECT sum(v) / count(*), typeof(sum(v) / count(*)) FROM (VALUES 1.50, 2.25) AS t(v)
SELECT v / 3, v * 2, v + 1, typeof(v / 3) FROM (VALUES CAST(10 AS decimal(5, 2))) AS t(v)
SELECT CAST(0.001e0 AS varchar), CAST(1e-5 AS varchar), CAST(123e10 AS varchar), CAST(-2.5e0 AS varchar), CAST(100e0 AS varchar)
SELECT split('a,b,c,d', ',', 3), split('a', ',', 1)
SELECT sequence(DATE '2024-01-31', DATE '2024-04-30', INTERVAL '1' MONTH)
SELECT sequence(10, 1, -3), sequence(1, 1)
SELECT ARRAY['a'] || ARRAY['b', 'c'], concat(ARRAY[1], ARRAY[2], ARRAY[3])
SELECT format('%s|%s|%s', 1.50, DATE '2024-01-02', true), format('%d items', 3)
SELECT json_extract_scalar('{"a": [10, 20]}', '$.a[1]'), json_extract('{"a": [10, 20]}', '$.a')
SELECT try(CAST('2024-13-01' AS date)), try(ARRAY[1, 2][5]), try(MAP(ARRAY['a'], ARRAY[1])['b'])
SELECT repeat(ARRAY[1], 2), reverse('héllo'), reverse(ARRAY['a', 'b'])
SELECT date_add('minute', 90, TIMESTAMP '2024-01-01 23:00:00'), date_add('day', -1, TIMESTAMP '2024-03-01 00:00:00.500')
SELECT date_trunc('week', DATE '2024-01-07'), date_trunc('quarter', TIMESTAMP '2024-11-17 10:00:00')
SELECT element_at(MAP(ARRAY[1, 2], ARRAY['x', 'y']), 3), MAP(ARRAY[1, 2], ARRAY['x', 'y'])[1]
SELECT x, avg(x) OVER (ORDER BY x) FROM (VALUES 1.0, 2.0, 4.0) AS t(x) ORDER BY x
SELECT k, count(DISTINCT v) FROM (VALUES ('a', 1), ('a', 1), ('a', 2), ('b', 3)) AS t(k, v) GROUP BY k ORDER BY k
SELECT transform(ARRAY[ARRAY[1, 2], ARRAY[3]], a -> transform(a, x -> x * 10))
SELECT typeof(sum(v)), typeof(avg(v)), typeof(min(v)) FROM (VALUES CAST(1 AS decimal(10, 3))) AS t(v)
SELECT CAST(1.5 AS double), CAST(12.345 AS real), CAST(DECIMAL '12.345' AS decimal(4, 1))
SELECT regexp_like('2024-01-15', '^\d{4}-\d{2}-\d{2}$'), regexp_extract_all('a1b2', '[a-z]\d'), regexp_replace('x y  z', '\s+', ' ')
SELECT url_extract_parameter('https://e.com/p?q=a%20b&x=1', 'q'), url_extract_path('https://e.com'), url_extract_protocol('mailto:a@b.c')
SELECT to_unixtime(from_unixtime(1700000000)), to_unixtime(TIMESTAMP '2024-01-01 00:00:00.123')
SELECT x, (SELECT sum(y) / 2.0 FROM (VALUES (1, 3.0), (1, 5.0)) AS s(k, y) WHERE s.k = t.x) FROM (VALUES 1) AS t(x)
SELECT CAST(ROW(1, 2.5) AS ROW(a integer, b double)).b, element_at(ARRAY[ROW(1, 'x')], 1)
-- time zones
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'Asia/Tokyo'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', '+2'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'UTC+02:00'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'GMT')
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'Etc/GMT-2'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', '-0530'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'Z'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'US/Eastern')
SELECT at_timezone(TIMESTAMP '2024-07-01 12:00:00.000 UTC', 'America/New_York'), at_timezone(TIMESTAMP '2024-01-01 12:00:00.000 UTC', 'America/New_York')
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', 'Nowhere/Else')
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', 'asia/tokyo')
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', '+14:01')
SELECT at_timezone(TIMESTAMP '2024-01-01 12:00:00 UTC', z) FROM (VALUES 'Asia/Tokyo', 'Mars/Olympus') AS t(z)
SELECT TIMESTAMP '2024-01-01 12:00:00.000 +02:00', TIMESTAMP '2024-01-01 12:00:00.123 America/New_York', TIMESTAMP '2024-07-01 12:00:00.000 Europe/Paris'
SELECT TIMESTAMP '2024-01-01 12:00:00 Nowhere/Else'
SELECT CAST('2024-01-01 22:00:00.000 Asia/Tokyo' AS timestamp with time zone), CAST(TIMESTAMP '2024-01-01 12:00:00.000 Asia/Tokyo' AS timestamp with time zone)
SELECT TIMESTAMP '2024-01-01 12:00:00' AT TIME ZONE 'Asia/Tokyo', TIMESTAMP '2024-01-01 12:00:00 UTC' AT TIME ZONE '+02:00'
SELECT (TIMESTAMP '2024-01-01 12:00:00.000 America/New_York' AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Europe/London'
SELECT with_timezone(TIMESTAMP '2024-01-01 12:00:00.000', 'America/New_York'), with_timezone(TIMESTAMP '2024-03-10 02:30:00.000', 'America/New_York')
SELECT with_timezone(TIMESTAMP '2024-01-01 12:00:00', 'Nowhere/Else')
SELECT from_unixtime(0, 'Asia/Kolkata'), from_unixtime(1700000000, 'Europe/Berlin')
SELECT from_unixtime(0, 5, 30), from_unixtime(0, -2, 0), from_unixtime(0, 0, 0)
SELECT from_unixtime(0, 'Nowhere/Else')
SELECT from_unixtime(0, 15, 0)
SELECT current_timezone()
SELECT timezone_hour(TIMESTAMP '2024-01-01 12:00:00 America/New_York'), timezone_hour(TIMESTAMP '2024-07-01 12:00:00 America/New_York'), timezone_minute(TIMESTAMP '2024-01-01 12:00:00 +05:30'), timezone_hour(TIMESTAMP '2024-01-01 12:00:00 -05:30'), timezone_minute(TIMESTAMP '2024-01-01 12:00:00 -05:30')
SELECT timezone_hour(from_unixtime(0)), timezone_minute(TIMESTAMP '2024-01-01 12:00:00 UTC')
SELECT from_iso8601_timestamp('2024-01-05T13:04:05-0130'), from_iso8601_timestamp('2024-01-05T13:04+05'), from_iso8601_timestamp('2024-01-05T13:04:05+00:00')
SELECT from_iso8601_timestamp('not a time')
SELECT hour(TIMESTAMP '2024-01-01 12:00:00 Asia/Tokyo'), minute(TIMESTAMP '2024-01-01 12:45:00 +05:30'), day(TIMESTAMP '2024-01-01 23:00:00 America/New_York'), month(TIMESTAMP '2024-01-31 23:00:00 America/New_York'), year(TIMESTAMP '2023-12-31 23:00:00 America/New_York')
SELECT day_of_week(TIMESTAMP '2024-01-07 23:00:00 America/New_York'), day_of_year(TIMESTAMP '2024-12-31 23:00:00 America/New_York'), extract(hour FROM TIMESTAMP '2024-01-01 12:00:00 Asia/Tokyo'), quarter(TIMESTAMP '2024-03-31 23:00:00 America/New_York')
SELECT millisecond(TIMESTAMP '2024-01-01 12:00:00.250 Asia/Tokyo'), second(TIMESTAMP '2024-01-01 12:00:30 +05:30'), last_day_of_month(TIMESTAMP '2024-01-31 23:00:00 America/New_York')
SELECT hour(at_timezone(from_unixtime(0), 'Asia/Tokyo')), day(at_timezone(TIMESTAMP '2024-01-01 02:00:00 UTC', 'America/Los_Angeles'))
SELECT date_trunc('day', TIMESTAMP '2024-01-01 23:00:00.000 America/New_York'), date_trunc('hour', TIMESTAMP '2024-01-01 23:30:00.000 +05:30'), date_trunc('month', TIMESTAMP '2024-03-09 12:00:00.000 Asia/Tokyo')
SELECT to_iso8601(TIMESTAMP '2024-01-01 12:00:00.000 Asia/Tokyo'), to_iso8601(TIMESTAMP '2024-01-01 12:00:00.500 -05:30'), to_iso8601(TIMESTAMP '2024-01-01 12:00:00.000 Europe/London')
SELECT date_format(TIMESTAMP '2024-01-01 12:00:00 Asia/Tokyo', '%Y-%m-%d %H:%i:%s'), date_format(at_timezone(from_unixtime(0), 'America/New_York'), '%Y-%m-%d %H:%i')
SELECT format_datetime(TIMESTAMP '2024-01-01 12:00:00 Asia/Tokyo', 'yyyy-MM-dd HH:mm ZZ'), format_datetime(TIMESTAMP '2024-01-01 12:00:00 +05:30', 'HH:mm Z'), format_datetime(TIMESTAMP '2024-01-01 12:00:00 America/New_York', 'yyyy-MM-dd ZZZ')
SELECT CAST(TIMESTAMP '2024-01-01 22:00:00.000 America/New_York' AS varchar), CAST(TIMESTAMP '2024-01-01 12:00:00.000 +05:30' AS varchar)
SELECT CAST(TIMESTAMP '2024-01-01 22:00:00.000 America/New_York' AS date), CAST(TIMESTAMP '2024-01-01 22:00:00.000 America/New_York' AS timestamp), CAST(TIMESTAMP '2024-01-01 22:00:00.000 America/New_York' AS time)
SELECT CAST(from_unixtime(0, 'Asia/Tokyo') AS date), CAST(at_timezone(TIMESTAMP '2024-01-01 20:00:00 UTC', 'Asia/Tokyo') AS date)
SELECT TIMESTAMP '2024-01-01 12:00:00 UTC' = TIMESTAMP '2024-01-01 21:00:00 Asia/Tokyo', TIMESTAMP '2024-01-01 12:00:00 UTC' < TIMESTAMP '2024-01-01 21:00:01 Asia/Tokyo', TIMESTAMP '2024-01-01 12:00:00 +02:00' <> TIMESTAMP '2024-01-01 11:00:00 +01:00'
SELECT TIMESTAMP '2024-01-01 12:00:00' = TIMESTAMP '2024-01-01 21:00:00 Asia/Tokyo', TIMESTAMP '2024-01-01 12:00:00 America/New_York' AT TIME ZONE 'America/Los_Angeles' = TIMESTAMP '2024-01-01 12:00:00 America/New_York'
SELECT x FROM (VALUES TIMESTAMP '2024-01-01 12:00:00.000 Europe/Paris', TIMESTAMP '2024-01-01 22:00:00.000 Asia/Tokyo', TIMESTAMP '2024-01-01 07:00:00.000 America/New_York') AS t(x) ORDER BY x
SELECT count(*) FROM (VALUES TIMESTAMP '2024-01-01 12:00:00 Europe/Paris', TIMESTAMP '2024-01-01 22:00:00 Asia/Tokyo', TIMESTAMP '2024-01-01 07:00:00 America/New_York') AS t(x) WHERE x > TIMESTAMP '2024-01-01 11:30:00 UTC'
SELECT a.k FROM (VALUES (1, TIMESTAMP '2024-01-01 21:00:00 Asia/Tokyo')) AS a(k, x) JOIN (VALUES (TIMESTAMP '2024-01-01 07:00:00 America/New_York')) AS b(y) ON a.x = b.y
SELECT min(x), max(x) FROM (VALUES TIMESTAMP '2024-01-01 12:00:00.000 Europe/Paris', TIMESTAMP '2024-01-01 22:00:00.000 Asia/Tokyo') AS t(x)
SELECT TIMESTAMP '2024-03-09 12:00:00.000 America/New_York' + INTERVAL '1' DAY, date_add('day', 1, TIMESTAMP '2024-03-09 12:00:00.000 America/New_York'), date_add('hour', 2, TIMESTAMP '2024-01-01 22:00:00.000 Asia/Tokyo')
SELECT TIMESTAMP '2024-01-31 12:00:00.000 America/New_York' + INTERVAL '1' MONTH, TIMESTAMP '2024-01-01 12:00:00.000 Asia/Tokyo' - INTERVAL '3' HOUR
SELECT TIMESTAMP '2024-01-02 00:00:00 Asia/Tokyo' - TIMESTAMP '2024-01-01 00:00:00 UTC', date_diff('hour', TIMESTAMP '2024-01-01 00:00:00 UTC', TIMESTAMP '2024-01-02 00:00:00 Asia/Tokyo')
SELECT to_unixtime(TIMESTAMP '2024-01-01 00:00:00 Asia/Tokyo'), to_unixtime(from_unixtime(1700000000, 'America/New_York'))
SELECT typeof(TIMESTAMP '2024-01-01 12:00:00.000 Asia/Tokyo'), typeof(at_timezone(from_unixtime(0), 'Asia/Tokyo')), typeof(from_iso8601_timestamp('2024-01-05T13:04:05+02:00'))
SELECT parse_datetime('2024-01-05 13:04 +0200', 'yyyy-MM-dd HH:mm Z'), parse_datetime('2024-01-05 13:04 America/New_York', 'yyyy-MM-dd HH:mm ZZZ')
SELECT x, hour(x), CAST(x AS varchar) FROM (SELECT at_timezone(TIMESTAMP '2024-06-01 12:00:00.000 UTC', z) AS x FROM (VALUES 'Asia/Tokyo', 'America/New_York', '+05:45') AS t(z)) ORDER BY 2
SELECT x FROM (VALUES TIMESTAMP '2024-01-01 12:00:00.000 UTC', TIMESTAMP '2024-01-01 20:00:00.000 Asia/Tokyo', NULL) AS t(x) ORDER BY x
SELECT from_unixtime(0) AS a UNION ALL SELECT at_timezone(from_unixtime(7200), 'Asia/Tokyo') ORDER BY 1
SELECT coalesce(NULL, at_timezone(from_unixtime(0), 'Asia/Tokyo'), from_unixtime(0)), hour(CASE WHEN true THEN at_timezone(from_unixtime(0), 'America/Chicago') ELSE from_unixtime(0) END)
SELECT s, CAST(s AS timestamp with time zone), hour(CAST(s AS timestamp with time zone)) FROM (VALUES '2024-01-01 22:00:00.000 Asia/Tokyo', '2024-01-01 22:00:00.500 +02:00', '2024-01-01 22:00:00.000') AS t(s) ORDER BY 1
SELECT CAST(s AS timestamp with time zone) FROM (VALUES 'not a time') AS t(s)
SELECT count(DISTINCT x), approx_distinct(x), count(*) FROM (VALUES TIMESTAMP '2024-01-01 12:00:00 Europe/London', TIMESTAMP '2024-01-01 21:00:00 Asia/Tokyo', TIMESTAMP '2024-01-01 13:00:00 Europe/Paris', TIMESTAMP '2024-01-01 14:00:00 Europe/Paris') AS t(x)
-- added for issue 2: the SQL Athena users run most (date formats, strings, JSON, collections,
-- windows, aggregates, decimals, casts and their errors, grouping sets, UNNEST, lambdas)
SELECT date_format(TIMESTAMP '2024-03-09 07:08:09.012', '%Y%m%d'), date_format(TIMESTAMP '2024-03-09 07:08:09.012', '%H%i%s'), date_format(DATE '2024-03-09', '%Y-%m')
SELECT date_format(TIMESTAMP '2024-12-30 00:00:00', '%v %x'), date_format(TIMESTAMP '2024-03-09 17:08:09', '%I %p %h')
SELECT date_format(DATE '2024-03-09' - INTERVAL '7' DAY, '%Y-%m-%d'), CAST(date_parse('2024/03/09', '%Y/%m/%d') AS date)
SELECT date_parse('20240309', '%Y%m%d'), date_parse('2024-03-09T07:08:09', '%Y-%m-%dT%H:%i:%s')
SELECT date_parse('09-Mar-2024', '%d-%b-%Y'), date_parse('2024-03-09 07:08:09.123', '%Y-%m-%d %H:%i:%s.%f')
SELECT date_parse('2024-03-09', '%Y-%m-%d %H')
SELECT format_datetime(TIMESTAMP '2024-03-09 07:08:09', 'yyyy-MM-dd''T''HH:mm:ss'), format_datetime(DATE '2024-03-09', 'MMM d, yyyy'), format_datetime(TIMESTAMP '2024-03-09 17:08:09', 'h:mm a')
SELECT date_trunc('day', DATE '2024-03-09'), date_trunc('month', TIMESTAMP '2024-03-09 07:08:09.123'), date_trunc('year', TIMESTAMP '2024-03-09 07:08:09')
SELECT date_trunc('week', TIMESTAMP '2024-03-10 12:00:00'), date_trunc('quarter', DATE '2024-12-31')
SELECT date_diff('millisecond', TIMESTAMP '2024-01-01 00:00:00.000', TIMESTAMP '2024-01-01 00:00:01.250'), date_diff('minute', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 01:30:59'), date_diff('quarter', DATE '2024-01-15', DATE '2024-12-14')
SELECT date_diff('day', TIMESTAMP '2024-03-09 23:00:00', TIMESTAMP '2024-03-10 01:00:00'), date_diff('day', CAST('2024-01-01' AS date), CAST('2024-12-31' AS date))
SELECT date_add('second', 3661, TIMESTAMP '2024-01-01 00:00:00'), date_add('day', 30, DATE '2024-02-01'), date_add('month', -13, DATE '2024-03-31')
SELECT date_add('fortnight', 1, DATE '2024-01-01')
SELECT day_of_week(TIMESTAMP '2024-03-10 01:00:00'), day_of_year(TIMESTAMP '2024-03-10 01:00:00'), week(TIMESTAMP '2024-12-30 00:00:00'), year_of_week(DATE '2024-12-30')
SELECT week_of_year(DATE '2024-12-30'), yow(DATE '2027-01-01'), day_of_month(TIMESTAMP '2024-03-09 07:08:09')
SELECT extract(MONTH FROM TIMESTAMP '2024-03-09 07:08:09'), extract(MINUTE FROM TIMESTAMP '2024-03-09 07:08:09'), extract(SECOND FROM TIMESTAMP '2024-03-09 07:08:09.5'), extract(QUARTER FROM DATE '2024-08-01'), extract(DOY FROM DATE '2024-03-01'), extract(WEEK FROM DATE '2024-03-01')
SELECT from_unixtime(1709968089), from_unixtime(-1), from_unixtime(1709968089.25)
SELECT CAST('2024-03-09 07:08:09.123' AS timestamp), CAST('2024-03-09' AS timestamp), CAST(' 2024-03-09 ' AS date)
SELECT CAST('2024-03-09T07:08:09' AS timestamp)
SELECT CAST('2024-3-9' AS date)
SELECT CAST(TIMESTAMP '2024-03-09 07:08:09.123' AS varchar), CAST(TIMESTAMP '2024-03-09 07:08:09.987' AS date), CAST(DATE '2024-03-09' AS timestamp(6))
SELECT date_format(date_parse('2024-03-09', '%Y-%m-%d'), '%d/%m/%Y'), date(TIMESTAMP '2024-03-09 07:08:09'), date('2024-03-09')
SELECT last_day_of_month(DATE '2023-02-01'), last_day_of_month(DATE '2024-12-15'), to_iso8601(DATE '2024-03-09' + INTERVAL '1' DAY)
SELECT TIMESTAMP '2024-03-09 07:08:09' + INTERVAL '1' DAY, TIMESTAMP '2024-03-31 07:08:09' + INTERVAL '1' MONTH, TIMESTAMP '2024-03-09 07:08:09' - INTERVAL '36' HOUR
SELECT DATE '2024-03-09' + INTERVAL '36' HOUR
SELECT INTERVAL '1' DAY + INTERVAL '2' HOUR, INTERVAL '90' MINUTE, INTERVAL '1 02:03:04' DAY TO SECOND
SELECT to_milliseconds(INTERVAL '1 02:03:04.5' DAY TO SECOND), human_readable_seconds(90061)
SELECT INTERVAL '13' MONTH, INTERVAL '1' YEAR + INTERVAL '2' MONTH, DATE '2024-01-31' + INTERVAL '1-1' YEAR TO MONTH
SELECT TIMESTAMP '2024-02-30 00:00:00'
SELECT year(x), month(x), count(*) FROM (VALUES DATE '2024-01-05', DATE '2024-01-20', DATE '2024-02-01') AS t(x) GROUP BY 1, 2 ORDER BY 1, 2
SELECT date_format(x, '%Y-%m') AS ym, count(*) FROM (VALUES TIMESTAMP '2024-01-05 10:00:00', TIMESTAMP '2024-02-01 00:00:00') AS t(x) GROUP BY 1 ORDER BY 1
SELECT split_part('user@example.com', '@', 2), split('a||b', '||'), strpos('user@example.com', '@')
SELECT concat('a', 'b', NULL), concat_ws('-', 'a', 'b', 'c'), 'a' || 'b' || 'c'
SELECT trim(BOTH 'xy' FROM 'xyaxy'), ltrim('xxa', 'x'), rtrim('axx', 'x'), length(trim(' a b '))
SELECT replace('a.b.c', '.', ''), translate('hello', 'lo', 'LO'), reverse('')
SELECT regexp_replace('2024-03-09', '(\d+)-(\d+)-(\d+)', '$3/$2/$1'), regexp_extract('user=alice;id=42', 'id=(\d+)', 1), regexp_like('alice@example.com', '^[\w.]+@[\w.]+\.\w+$')
SELECT regexp_extract_all('k1=v1&k2=v2', '(\w+)=(\w+)', 1), regexp_split('a, b,c', ',\s*'), regexp_count('aaa', 'a*')
SELECT regexp_replace('new york', '(\w)(\w*)', x -> upper(x[1]) || lower(x[2]))
SELECT regexp_replace('abc', '(?i)B', 'x'), regexp_like('', '^$'), regexp_position('hello', 'l', 1, 2)
SELECT lpad(CAST(7 AS varchar), 3, '0'), format('%03d', 7), format('%.3f', 2.0 / 3), format('%,d', 1234567)
SELECT to_hex(to_utf8('A')), from_hex('4142'), to_hex(hmac_sha256(to_utf8('msg'), to_utf8('key')))
SELECT from_hex('0g')
SELECT to_base64url(to_utf8('??>')), from_utf8(from_base64url('Pz8-')), from_base64('YQ==')
SELECT 'a%c' LIKE 'a\%c' ESCAPE '\', 'ABC' NOT LIKE 'a%', 'abc' LIKE '%b%'
SELECT position('b' IN 'abc'), strpos('abcb', 'b', 2), levenshtein_distance('', 'abc'), starts_with('abc', '')
SELECT CAST(123 AS varchar) || 'x', CAST(1.50 AS varchar), CAST(-0.5 AS varchar), CAST(CAST(2 AS decimal(5, 2)) AS varchar)
SELECT substr('abc', 1, -1)
SELECT chr(-1)
SELECT json_extract_scalar('{"user": {"name": "alice", "tags": ["a", "b"]}}', '$.user.tags[1]'), json_extract('{"user": {"name": "alice"}}', '$.user'), json_extract_scalar('{"a": [{"b": 1}, {"b": 2}]}', '$.a[1].b')
SELECT json_extract_scalar('{"a": 1}', '$.a.b'), json_extract('[{"a": 1}]', '$[0].a'), json_extract('{"a": "x"}', '$.a')
SELECT CAST(json_extract('{"a": [1, 2, 3]}', '$.a') AS array(bigint)), json_array_length(json_extract('{"a": [1, 2, 3]}', '$.a'))
SELECT CAST(json_parse('{"a": 1, "b": "x"}') AS map(varchar, json)), CAST(json_parse('[1, "a", null]') AS array(varchar))
SELECT CAST(json_parse('{"x": 1, "y": 2.5}') AS row(x integer, y double)), CAST(json_parse('[true, false]') AS array(boolean))
SELECT json_format(json_parse('[1, 2.5, "a", null, true]')), json_extract_scalar('{"a": 12345678901234}', '$.a')
SELECT CAST(json_parse('"2024"') AS integer), CAST(json_parse('1.5') AS double), CAST(json_parse('true') AS varchar)
SELECT json_array_get('["a", "b"]', 5), json_array_contains('[1.5, 2]', 1.5), json_array_contains('[true]', true)
SELECT json_value('{"a": {"b": "x"}}', 'lax $.a.b'), json_query('{"a": [1, 2]}', 'lax $.a[0]')
SELECT CAST(CAST(ROW(1, 'x') AS ROW(a integer, b varchar)) AS json), CAST(ARRAY['a', NULL] AS json), CAST(1.5 AS json)
SELECT is_json_scalar('"x"'), json_size('{"a": 1}', '$.b'), json_array_length('not json')
SELECT array_agg(x ORDER BY y) FROM (VALUES ('a', 3), ('b', 1), ('c', 2)) AS t(x, y)
SELECT k, array_agg(v ORDER BY v DESC) FROM (VALUES ('a', 1), ('a', 3), ('b', 2)) AS t(k, v) GROUP BY k ORDER BY k
SELECT array_sort(array_agg(DISTINCT x)), array_agg(x ORDER BY x) FILTER (WHERE x > 1) FROM (VALUES 2, 1, 2) AS t(x)
SELECT map_agg(k, v)['b'], map_agg(k, v) FROM (VALUES ('a', 1), ('b', 2)) AS t(k, v)
SELECT histogram(x) FROM (VALUES 1, 2, 2, NULL) AS t(x)
SELECT transform_values(multimap_agg(k, v), (k, a) -> array_sort(a)) FROM (VALUES ('a', 2), ('a', 1), ('b', 3)) AS t(k, v)
SELECT array_position(ARRAY['a', 'b', 'a'], 'a'), array_remove(ARRAY[1, NULL, 2], NULL), array_distinct(ARRAY['b', 'a', 'b'])
SELECT contains(ARRAY['a', 'b'], 'b'), array_join(transform(ARRAY[1, 2, 3], x -> CAST(x AS varchar)), '+')
SELECT element_at(ARRAY['a', 'b'], -2), element_at(ARRAY['a', 'b'], -3), slice(ARRAY[1, 2, 3], 1, 0)
SELECT array_sort(ARRAY['b', NULL, 'a']), array_sort(ARRAY[2.5, 1.5]), array_sort(ARRAY[ARRAY[2], ARRAY[1, 2]])
SELECT array_sort(ARRAY['bb', 'a', 'ccc'], (x, y) -> IF(length(x) < length(y), -1, IF(length(x) = length(y), 0, 1)))
SELECT reduce(ARRAY[1, 2, 3, 4], 1, (s, x) -> s * x, s -> s), reduce(ARRAY['a', 'b'], '', (s, x) -> s || x, s -> s)
SELECT transform(ARRAY[1, 2], x -> ROW(x, x * x)), filter(ARRAY['a', '', NULL], x -> x <> '')
SELECT map_keys(map_filter(MAP(ARRAY[1, 2, 3], ARRAY['a', 'b', 'c']), (k, v) -> k > 1)), map_values(transform_values(MAP(ARRAY['x'], ARRAY[2]), (k, v) -> v * v))
SELECT MAP(ARRAY['a', 'b'], ARRAY[ARRAY[1], ARRAY[2, 3]])['b'], map_from_entries(ARRAY[(1, 'x'), (2, 'y')])
SELECT map_entries(MAP(ARRAY[2, 1], ARRAY['b', 'a'])), element_at(MAP(ARRAY['a'], ARRAY[NULL]), 'a'), cardinality(map_concat(MAP(ARRAY[1], ARRAY[1]), MAP(ARRAY[2], ARRAY[2])))
SELECT array_union(ARRAY['a'], ARRAY['b', 'a']), arrays_overlap(ARRAY[1, NULL], ARRAY[2]), array_intersect(ARRAY['a', 'b'], ARRAY['b'])
SELECT flatten(ARRAY[ARRAY['a'], ARRAY[], ARRAY['b', 'c']]), sequence(0, 10, 5), cardinality(sequence(1, 100))
SELECT sequence(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 02:00:00', INTERVAL '1' HOUR)
SELECT sequence(DATE '2024-01-01', DATE '2024-03-01', INTERVAL '1' MONTH), sequence(DATE '2024-01-10', DATE '2024-01-01', INTERVAL '-3' DAY)
SELECT zip_with(ARRAY['a', 'b'], ARRAY['x', 'y'], (a, b) -> a || b), transform_keys(MAP(ARRAY[1, 2], ARRAY['a', 'b']), (k, v) -> k * 10)
SELECT array_max(ARRAY['apple', 'pear']), array_min(ARRAY[2.5, 1.5]), ARRAY[1, 2] = ARRAY[1, 2], ARRAY[1, 2] < ARRAY[1, 3]
SELECT contains(ARRAY[ARRAY[1]], ARRAY[1]), ARRAY[ROW(1, 'a')][1][2]
SELECT ARRAY[NULL], typeof(ARRAY[NULL]), typeof(MAP(ARRAY['k'], ARRAY[NULL]))
SELECT ARRAY[1, 2] = ARRAY[1, NULL], ARRAY[1, 2] = ARRAY[3, NULL], ROW(1, NULL) = ROW(2, NULL), ARRAY[1] = ARRAY[1, NULL]
SELECT ARRAY[NULL] IS DISTINCT FROM ARRAY[NULL], ROW(1, NULL) IS NOT DISTINCT FROM ROW(1, NULL), ARRAY[1, NULL] <> ARRAY[1, NULL]
SELECT typeof(MAP(ARRAY['ab'], ARRAY[ROW('x', 1)])), typeof(ARRAY['a', 'bcd']), typeof(ROW('ab', ARRAY['c']))
SELECT count(*) FROM UNNEST(CAST(ARRAY[] AS array(integer))) AS t(x)
SELECT x FROM UNNEST(CAST(NULL AS array(integer))) AS t(x)
SELECT id, x FROM (VALUES (1, ARRAY[1, 2]), (2, NULL)) AS t(id, xs) LEFT JOIN UNNEST(xs) AS u(x) ON true ORDER BY id, x
SELECT t.id, u.x, u.n FROM (VALUES (1, ARRAY['a', 'b']), (2, ARRAY['c'])) AS t(id, xs) CROSS JOIN UNNEST(xs) WITH ORDINALITY AS u(x, n) ORDER BY 1, 3
SELECT x, y FROM UNNEST(ARRAY[1, 2]) AS a(x) CROSS JOIN UNNEST(ARRAY['p', 'q']) AS b(y) ORDER BY x, y
SELECT sum(x) FROM (VALUES ARRAY[1, 2], ARRAY[3]) AS t(xs) CROSS JOIN UNNEST(xs) AS u(x)
SELECT u.* FROM UNNEST(ARRAY[CAST(ROW(1, 'a') AS ROW(id integer, name varchar))]) AS u
SELECT x FROM UNNEST(sequence(1, 3)) AS t(x) WHERE x > 1 ORDER BY x DESC
SELECT k, v, sum(v) OVER (PARTITION BY k) FROM (VALUES ('a', 1), ('a', 2), ('b', 5)) AS t(k, v) ORDER BY k, v
SELECT x, lag(x, 2) OVER (ORDER BY x), lead(x, 2, -1) OVER (ORDER BY x) FROM (VALUES 1, 2, 3, 4) AS t(x) ORDER BY x
SELECT x, rank() OVER (ORDER BY x DESC), percent_rank() OVER (ORDER BY x DESC), ntile(3) OVER (ORDER BY x) FROM (VALUES 1, 2, 2, 3, 4) AS t(x) ORDER BY x
SELECT x, avg(x) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), typeof(avg(x) OVER ()) FROM (VALUES 1, 2, 3, 4) AS t(x) ORDER BY x
SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), min(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM (VALUES 1, 2, 2, 3) AS t(x) ORDER BY x
SELECT k, lag(x) IGNORE NULLS OVER (ORDER BY k), first_value(x) IGNORE NULLS OVER (ORDER BY k DESC) FROM (VALUES (1, 10), (2, NULL), (3, 30)) AS t(k, x) ORDER BY k
SELECT k, v, v - lag(v) OVER (PARTITION BY k ORDER BY v) FROM (VALUES ('a', 1.5), ('a', 4.0), ('b', 2.0)) AS t(k, v) ORDER BY k, v
SELECT x, sum(x) OVER (ORDER BY x DESC ROWS UNBOUNDED PRECEDING) FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x
SELECT k, row_number() OVER (ORDER BY k) FROM (VALUES 'b', 'a', NULL) AS t(k) ORDER BY 2
SELECT x, cume_dist() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x DESC) FROM (VALUES 1, 1, 2, 3) AS t(x) ORDER BY x
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW) FROM (VALUES DATE '2024-01-01', DATE '2024-01-02', DATE '2024-01-04') AS t(d) ORDER BY d
SELECT k, v FROM (SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM (VALUES ('a', 1), ('a', 3), ('b', 2), ('b', 5), ('b', 4)) AS t(k, v)) WHERE rn <= 2 ORDER BY k, v
SELECT x, sum(x) OVER (ORDER BY x), typeof(sum(x) OVER (ORDER BY x)) FROM (VALUES 1.10, 2.20) AS t(x) ORDER BY x
SELECT approx_distinct(x), approx_distinct(x, 0.01) FROM (VALUES 'a', 'b', 'a', NULL) AS t(x)
SELECT approx_percentile(x, 0.5), typeof(approx_percentile(x, 0.5)) FROM (VALUES 1.5e0, 2.5e0, 3.5e0) AS t(x)
SELECT approx_percentile(x, w, 0.5) FROM (VALUES (1, 1), (2, 10)) AS t(x, w)
SELECT arbitrary(x), count(DISTINCT k), sum(DISTINCT x) FROM (VALUES ('a', NULL), ('a', 5), ('b', 5)) AS t(k, x)
SELECT min_by(x, y), max_by(x, y) FROM (VALUES ('a', NULL), ('b', 2), ('c', 1)) AS t(x, y)
SELECT min(x, 2), max(x, 2) FROM (VALUES 3, 1, 2) AS t(x)
SELECT bool_and(x), bool_or(x) FROM (VALUES true, NULL, false) AS t(x)
SELECT avg(x), sum(x), typeof(sum(x)) FROM (VALUES CAST(1 AS real), CAST(2 AS real)) AS t(x)
SELECT count_if(x IS NULL), count(*) FILTER (WHERE x > 1), avg(x) FILTER (WHERE x > 1) FROM (VALUES 1, 2, 3, NULL) AS t(x)
SELECT stddev_samp(x), var_samp(x), stddev_pop(x) FROM (VALUES 2.0, 4.0, 4.0, 5.0) AS t(x)
SELECT kurtosis(x), skewness(x) FROM (VALUES 1, 2, 3, 10) AS t(x)
SELECT regr_intercept(y, x), regr_slope(y, x) FROM (VALUES (1e0, 2e0), (2e0, 4.5e0), (3e0, 6e0)) AS t(x, y)
SELECT listagg(x, ', ') WITHIN GROUP (ORDER BY x DESC) FROM (VALUES 'a', 'c', 'b') AS t(x)
SELECT k, listagg(v, '|') WITHIN GROUP (ORDER BY v) FROM (VALUES ('x', 'b'), ('x', 'a'), ('y', 'c')) AS t(k, v) GROUP BY k ORDER BY k
SELECT map_agg(k, v) FROM (VALUES (1, 'a'), (2, NULL)) AS t(k, v)
SELECT max(x), min(x) FROM (VALUES DATE '2024-01-02', DATE '2023-05-06') AS t(x)
SELECT sum(x), avg(x) FROM (VALUES 2147483647, 2147483647) AS t(x)
SELECT checksum(x) FROM (VALUES 1, 2, 3) AS t(x)
SELECT checksum(x) FROM (VALUES 3, 1, 2) AS t(x)
SELECT checksum(x), checksum(y) FROM (VALUES ('a', 1.5e0), ('b', NULL)) AS t(x, y)
SELECT checksum(x) FROM (VALUES CAST(NULL AS bigint)) AS t(x)
SELECT word_stem('generously'), word_stem('Running'), word_stem('cats', 'en'), word_stem('happiness')
SELECT 0.1 + 0.2, 0.1 * 3, 1.1 - 2.25, typeof(0.1 + 0.2)
SELECT round(123.455, 2), round(-123.455, 2), round(0.5), round(-0.5), typeof(round(123.455, 2))
SELECT round(2.345e0, 2), round(1e0 / 3, 3), round(CAST(2.5 AS decimal(3, 1))), truncate(123.456, 1)
SELECT round(123.45e0, -1), round(1234, -2), round(CAST(1234 AS bigint), -2)
SELECT CAST(1.23456 AS decimal(10, 2)), CAST(-1.235 AS decimal(10, 2)), CAST(1.5 AS decimal(1, 0))
SELECT CAST('12.345' AS decimal(5, 1)), CAST('-7' AS decimal(3, 0))
SELECT CAST(' 7 ' AS decimal(3, 0))
SELECT CAST('abc' AS decimal(5, 1))
SELECT CAST(12345.678 AS decimal(5, 2))
SELECT DECIMAL '123.45' * DECIMAL '2.5', typeof(DECIMAL '123.45' * DECIMAL '2.5'), DECIMAL '10' / DECIMAL '4'
SELECT CAST(10 AS decimal(10, 2)) / 3, CAST(10 AS decimal(10, 2)) % 3, -CAST(1.5 AS decimal(2, 1))
SELECT CAST(1.5 AS decimal(2, 1)) = 1.50, CAST(1.5 AS decimal(2, 1)) < 2, 1.5 BETWEEN 1 AND 2
SELECT abs(DECIMAL '-1.50'), sign(DECIMAL '-1.50'), ceil(DECIMAL '1.01'), floor(DECIMAL '-1.01')
SELECT CAST(2.5 AS bigint), CAST(-2.5 AS bigint), CAST(DECIMAL '0.5' AS integer), CAST(2.5e0 AS integer), CAST(-2.5e0 AS integer)
SELECT sum(x), avg(x) FROM (VALUES DECIMAL '0.10', DECIMAL '0.20', DECIMAL '0.30') AS t(x)
SELECT 1.0 / 3, 1 / 3.0, 10 / 4, 10 / 4.0, 10e0 / 4
SELECT CAST(1 AS decimal(38, 10)) / 3
SELECT power(1.1, 2), sqrt(2), exp(1), ln(2.5), typeof(power(2, 3))
SELECT mod(10.5, 3), mod(-10, 3), 10.5 % 3, typeof(mod(10.5, 3))
SELECT format_number(1234567), format_number(1234)
SELECT CAST('123abc' AS bigint)
SELECT CAST(2147483648 AS integer)
SELECT CAST('1.5' AS integer)
SELECT CAST(1e20 AS bigint)
SELECT CAST(CAST('1.5' AS double) AS integer), TRY_CAST('x' AS double), TRY_CAST(1e20 AS bigint), TRY_CAST('2024-02-30' AS date)
SELECT CAST(ARRAY['1', '2'] AS array(integer)), CAST(MAP(ARRAY['a'], ARRAY['1']) AS map(varchar, double))
SELECT CAST(ROW(1, 'a') AS ROW(a bigint, b varchar)).b, CAST(ARRAY[ROW(1)] AS array(row(x integer)))[1].x
SELECT CAST(nan() AS varchar), CAST(infinity() AS real), CAST(12.3456 AS real), CAST(CAST(0.1 AS real) AS double)
SELECT typeof(CAST(1 AS decimal)), CAST(1.6 AS decimal), CAST('ab' AS char(3)), typeof(CAST('a' AS char(3)))
SELECT k, j, sum(v), grouping(k), grouping(j) FROM (VALUES ('a', 'x', 1), ('a', 'y', 2), ('b', 'x', 3)) AS t(k, j, v) GROUP BY GROUPING SETS ((k, j), (k), ()) ORDER BY k, j
SELECT k, count(*) FROM (VALUES 'a', 'a', 'b') AS t(k) GROUP BY ROLLUP (k) HAVING count(*) > 1 ORDER BY k
SELECT coalesce(k, 'ALL'), sum(v) FROM (VALUES ('a', 1), ('b', 2)) AS t(k, v) GROUP BY ROLLUP (k) ORDER BY 1
SELECT k, j, sum(v) FROM (VALUES ('a', 'x', 1), ('b', 'y', 2)) AS t(k, j, v) GROUP BY k, ROLLUP (j) ORDER BY k, j
SELECT grouping(k, j) AS g, count(*) FROM (VALUES ('a', 'x'), ('b', 'y')) AS t(k, j) GROUP BY CUBE (k, j) ORDER BY 1
SELECT transform(ARRAY[1, 2, 3], x -> x > 1 AND x < 3), filter(sequence(1, 10), x -> x % 3 = 0)
SELECT any_match(ARRAY['a', 'b'], s -> s = 'b'), none_match(ARRAY[], x -> true), all_match(ARRAY[1, NULL], x -> x > 0)
SELECT zip_with(ARRAY[1, 2, 3], ARRAY[10, 20, 30], (x, y) -> y - x), reduce(sequence(1, 5), 0, (s, x) -> s + x * x, s -> s)
SELECT transform(filter(ARRAY['a1', 'b2', 'a3'], s -> s LIKE 'a%'), s -> substr(s, 2))
SELECT x, transform(ARRAY[1, 2], y -> x * y) FROM (VALUES 10, 20) AS t(x) ORDER BY x
SELECT map_zip_with(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), MAP(ARRAY['b', 'c'], ARRAY[3, 4]), (k, x, y) -> coalesce(x, 0) + coalesce(y, 0))
SELECT CASE WHEN x > 1 THEN 'big' WHEN x = 1 THEN 'one' ELSE 'small' END FROM (VALUES 0, 1, 2) AS t(x) ORDER BY x
SELECT coalesce(NULL, NULL, 'x'), nullif('a', 'b'), if(1 > 2, 'a', 'b'), typeof(if(true, 1, 2.5))
SELECT x BETWEEN 1 AND 3, x NOT BETWEEN 1 AND 3, x IN (1, 2) FROM (VALUES 2, 4) AS t(x) ORDER BY x
SELECT 1 = ANY (SELECT * FROM (VALUES 1, 2) AS t(x)), 3 > ALL (SELECT * FROM (VALUES 1, 2) AS t(x)), 'abc' IN ('abc', NULL)
SELECT checksum(b), checksum(d), checksum(p), checksum(r), checksum(ts) FROM (VALUES (true, DATE '2024-01-02', 1.25, CAST(1.5 AS real), TIMESTAMP '2024-01-02 00:00:00.123'), (false, NULL, -3.50, CAST(-0.0 AS real), NULL)) AS t(b, d, p, r, ts)
SELECT checksum(x) FROM (VALUES 1) AS t(x) WHERE false
SELECT word_stem('corriendo', 'es'), word_stem('Häuser', 'de'), word_stem(NULL)
SELECT word_stem('running', 'xx')
SELECT to_hex(hmac_md5(to_utf8('m'), to_utf8('k'))), to_hex(sha512(to_utf8('a'))), format_number(-999), format_number(1500000000)
SELECT regexp_replace('abc', 'x(\d)', x -> x[1]), regexp_replace('a1b22', '(\d+)', x -> CAST(CAST(x[1] AS integer) * 2 AS varchar)), regexp_replace('2024-03-09', '(\d+)-(\d+)', x -> x[2] || '/' || x[1])
SELECT ARRAY[ROW(1, 'a'), ROW(2, 'b')][2][1], transform(ARRAY[ROW(1, 'x')], r -> r[2])
SELECT ROW(1, NULL) = ROW(1, 2), ARRAY[ARRAY[1, NULL]] = ARRAY[ARRAY[1, NULL]], ARRAY['a'] <> ARRAY['b', NULL]
SELECT sum(x), avg(x), typeof(avg(x)) FROM (VALUES CAST(1.5 AS real), CAST(NULL AS real)) AS t(x)
SELECT CAST('+12' AS integer), CAST('-0' AS bigint), TRY_CAST('1e3' AS integer), TRY_CAST('.5' AS decimal(3, 2)), CAST('5.' AS decimal(3, 1))
SELECT CAST(-0.5e0 AS integer), CAST(0.5e0 AS bigint), CAST(CAST(2.5 AS real) AS integer), CAST(1.5e0 AS smallint)
SELECT INTERVAL '2 12' DAY TO HOUR, INTERVAL '-1 00:00:01' DAY TO SECOND, INTERVAL '10:30' MINUTE TO SECOND
SELECT DATE '2024-03-09' + INTERVAL '48' HOUR, DATE '2024-03-09' - INTERVAL '2' DAY
SELECT CAST(x AS timestamp), TRY_CAST(x AS date) FROM (VALUES '2024-3-9 7:8:9', ' 2024-03-09 07:08 ', '2024-03-09 07:08:09 UTC') AS t(x)
SELECT CAST(x AS date) FROM (VALUES '2024-03-09T00:00') AS t(x)
SELECT x, TRY_CAST(x AS timestamp) FROM (VALUES '20240309', '2024-03-09T07:08:09Z', '+2024-03-09', ' 2024-3-9 ') AS t(x)
SELECT CAST(x AS timestamp) FROM (VALUES '2024-03-09T07:08:09') AS t(x)
SELECT TRY_CAST(x AS decimal(10, 2)), CAST(y AS decimal(3, 2)), TRY_CAST(z AS bigint), TRY_CAST(w AS integer) FROM (VALUES ('1e3', '-.5', ' +7', ''), (' 1', '1.', '07', '1.0')) AS t(x, y, z, w)
SELECT reduce(ARRAY[1e0, 2e0], 0, (s, x) -> s + x, s -> s), reduce(ARRAY[3000000000], 0, (s, x) -> s + x, s -> s), reduce(ARRAY[CAST(1 AS smallint)], 0, (s, x) -> s + x, s -> s)
SELECT reduce(ARRAY[1.5, 2.5], 0, (s, x) -> s + x, s -> s)
SELECT date_format(TIMESTAMP '2024-03-09 07:08:09', '%j %U %u %w %a %b %M %y'), date_format(TIMESTAMP '2024-03-09 00:00:00', '%l %k %r')
SELECT to_char(TIMESTAMP '2024-03-09 07:08:09', 'yyyy-mm-dd hh24:mi:ss')
SELECT date_parse('2024-03-09 7:08:09 PM', '%Y-%m-%d %r'), date_parse('9/3/24', '%e/%c/%y')
SELECT array_histogram(ARRAY['a', 'b', 'a']), array_frequency(ARRAY[1, 1, 2])
SELECT approx_most_frequent(2, x, 10) FROM (VALUES 'a', 'b', 'a', 'c', 'a', 'b') AS t(x)
SELECT map_normalize(MAP(ARRAY['a', 'b'], ARRAY[1e0, 3e0])), map_subset(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), ARRAY['a'])
SELECT concat_ws('-', ARRAY['a', NULL, 'c']), concat_ws(NULL, 'a', 'b'), split_part('a::b', '::', 2)
SELECT json_extract('{"a": [{"b": 1}, {"b": 2}]}', '$.a[*].b'), json_extract_scalar('{"a": {"b.c": 1}}', '$.a["b.c"]')
SELECT x, sum(x) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES 1, 1, 2, 3) AS t(x) ORDER BY x
SELECT k, x, last_value(x) IGNORE NULLS OVER (PARTITION BY k ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM (VALUES ('a', 1), ('a', NULL), ('b', 2)) AS t(k, x) ORDER BY k, x
SELECT count(*) FILTER (WHERE x > 1) OVER (), x FROM (VALUES 1, 2, 3) AS t(x) ORDER BY x
SELECT k, array_agg(DISTINCT v ORDER BY v) FROM (VALUES ('a', 2), ('a', 1), ('a', 2)) AS t(k, v) GROUP BY k
SELECT max_by(x, y, 2), min_by(x, y, 2) FROM (VALUES ('a', 3), ('b', 1), ('c', 2)) AS t(x, y)
SELECT numeric_histogram(2, x) FROM (VALUES 1e0, 2e0, 10e0) AS t(x)
SELECT geometric_mean(x), reduce_agg(x, 0, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES 1, 2, 4) AS t(x)
SELECT t.k, u.v FROM (VALUES ('a', MAP(ARRAY['x', 'y'], ARRAY[1, 2]))) AS t(k, m) CROSS JOIN UNNEST(map_values(m)) AS u(v) ORDER BY v
SELECT k, count(*) FROM (VALUES 'a', 'b', NULL) AS t(k) GROUP BY GROUPING SETS ((k), ()) ORDER BY k NULLS FIRST, 2
SELECT round(x, 2), truncate(x, 1), ceiling(x), floor(x) FROM (VALUES -2.555e0, 2.555e0) AS t(x) ORDER BY x
SELECT CAST(x AS decimal(10, 3)) / CAST(y AS decimal(5, 1)), x % y FROM (VALUES (10, 3)) AS t(x, y)
SELECT bitwise_xor(5, 3), bitwise_and(-1, 255), bit_count(-1, 8), from_base('7fffffffffffffff', 16)
SELECT format('%08.3f|%-6s|%+d', 3.14159, 'ab', 5), format('%s', ARRAY[1, 2]), format('%b', true)
SELECT levenshtein_distance('kitten', 'sitting'), hamming_distance('', ''), soundex(''), translate('abc', 'abc', 'x')
SELECT position('lo' IN 'hello world'), strrpos('hello', 'l'), rpad('', 3, 'ab'), substr('😀a', 2)
-- issue 2, last gaps: typed literals (INVALID_LITERAL), to_char, the unknown type, concat with a bare NULL, format's argument types
SELECT DATE 'x'
SELECT DATE '2023-02-29'
SELECT DATE '2024-02-29', DATE '2024-12-31', DATE '2000-02-29'
SELECT TIMESTAMP '2024-01-01 24:00:00'
SELECT TIMESTAMP '2024-13-01 00:00:00'
SELECT CAST('2023-02-29' AS date)
SELECT TRY_CAST('2023-02-29' AS date), TRY_CAST('2023-02-28' AS date)
SELECT DECIMAL 'x'
SELECT DECIMAL ' 1.5 '
SELECT DECIMAL '1e3'
SELECT DECIMAL '-.50', typeof(DECIMAL '-.50'), DECIMAL '7.', typeof(DECIMAL '007.0')
SELECT CAST('1.50' AS decimal), typeof(CAST('1.5' AS decimal)), CAST(' 2.5 ' AS decimal(3, 1))
SELECT to_char(DATE '2024-01-01', 'yyyy')
SELECT NULL AS a, NULL AS b
SELECT typeof(NULL), NULL IS NULL
SELECT ARRAY[NULL, NULL], ARRAY[ARRAY[]]
SELECT ROW(1, NULL), ROW(NULL, 'x')
SELECT MAP(ARRAY['k'], ARRAY[NULL]), MAP(ARRAY[1], ARRAY[ARRAY[]])
SELECT x, NULL FROM (VALUES 1, 2) AS t(x) ORDER BY x
SELECT NULL, x FROM (VALUES 1) AS t(x) WHERE x > 1
SELECT CAST(NULL AS integer), CAST(NULL AS varchar), CAST(NULL AS array(integer))
SELECT NULL UNION ALL SELECT 1
SELECT coalesce(NULL, NULL), nullif(NULL, NULL)
SELECT NULL || 'a'
SELECT concat(NULL, 'a', 'b'), concat(to_utf8('a'), NULL, to_utf8('b'))
SELECT to_utf8('a') || NULL
SELECT concat(NULL, NULL)
SELECT ARRAY[1] || NULL
SELECT concat(ARRAY[1], NULL, ARRAY[2])
SELECT format('%s', to_utf8('a'))
SELECT format('%s', MAP(ARRAY[1], ARRAY['a']))
SELECT format('%s', NULL), format('%d', 5), format('%s', JSON '1')
SELECT element_at(ARRAY[NULL], 1), ARRAY[NULL][1]
-- issue 2: reduce_agg, three-valued equality of nested arrays and rows
SELECT reduce_agg(x, 0, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES 1, NULL, 4) AS t(x)
SELECT reduce_agg(x, 0, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES CAST(NULL AS integer)) AS t(x)
SELECT k, reduce_agg(x, 1, (a, b) -> a * b, (a, b) -> a * b) FROM (VALUES (1, 2), (1, 3), (2, 5)) AS t(k, x) GROUP BY k ORDER BY k
SELECT reduce_agg(x, 0, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES 1) AS t(x) WHERE x > 5
SELECT reduce_agg(x, NULL, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES 1) AS t(x)
SELECT reduce_agg(x, 0e0, (a, b) -> a + b, (a, b) -> a + b) FROM (VALUES 1, 2) AS t(x)
SELECT reduce_agg(x, 0, (a, b) -> greatest(a, b), (a, b) -> greatest(a, b)) FROM (VALUES 3, 9, 2) AS t(x)
SELECT ARRAY[ARRAY[1, 2]] = ARRAY[ARRAY[1, 3]], ARRAY[ARRAY[1]] = ARRAY[ARRAY[1]], ARRAY[ARRAY[1, NULL], ARRAY[1]] <> ARRAY[ARRAY[1, NULL], ARRAY[2]]
SELECT ARRAY[ROW(1, ARRAY[NULL])] = ARRAY[ROW(1, ARRAY[2])], ARRAY[ROW(1, 'a')] = ARRAY[ROW(1, 'a')], ARRAY[ROW(1, 'a')] = ARRAY[ROW(2, NULL)]
SELECT ARRAY[ARRAY[NULL]] = ARRAY[ARRAY[1], ARRAY[2]], ARRAY[ARRAY[ARRAY[1, NULL]]] = ARRAY[ARRAY[ARRAY[1, NULL]]]
-- issue 2: a lambda parameter that is a row, subscripted
SELECT filter(ARRAY[ROW(1, 'x'), ROW(-1, 'y')], r -> r[1] > 0), transform(ARRAY[ARRAY[5, 6]], a -> a[2])
SELECT transform(a, r -> r[2]) FROM (VALUES ARRAY[ROW(1, 'p')]) AS t(a)
SELECT transform(ARRAY[ROW(1, 'x')], r -> r[3])
SELECT ARRAY[ROW(1, 'a')][1][3]
SELECT date_diff('day', TIMESTAMP '2024-03-09 12:00:00.000 America/New_York', TIMESTAMP '2024-03-10 12:00:00.000 America/New_York'), date_diff('hour', TIMESTAMP '2024-03-09 12:00:00.000 America/New_York', TIMESTAMP '2024-03-10 12:00:00.000 America/New_York'), date_diff('month', TIMESTAMP '2024-01-31 12:00:00.000 Asia/Tokyo', TIMESTAMP '2024-02-29 20:00:00.000 Asia/Tokyo'), date_diff('week', TIMESTAMP '2024-03-03 12:00:00.000 America/New_York', TIMESTAMP '2024-03-10 12:00:00.000 America/New_York')
SELECT date_diff('day', t, u), date_diff('day', u, t) FROM (SELECT at_timezone(from_unixtime(1709996400), z) AS t, at_timezone(from_unixtime(1710086400), '+05:00') AS u FROM (VALUES 'America/New_York') AS v(z))
SELECT to_unixtime(TIMESTAMP '2024-11-03 01:30:00.000 America/New_York'), to_unixtime(TIMESTAMP '2024-10-27 02:30:00.000 Europe/Berlin'), TIMESTAMP '2024-10-27 02:30:00.000 Europe/Berlin' + INTERVAL '1' HOUR
SELECT TIMESTAMP '2024-03-10 02:30:00.000 America/New_York'
SELECT format_datetime(TIMESTAMP '2024-01-01 12:00:00.000 Asia/Tokyo', 'HH z'), format_datetime(TIMESTAMP '2024-07-01 12:00:00.000 America/New_York', 'z'), format_datetime(TIMESTAMP '2024-07-01 12:00:00.000 +05:30', 'z'), format_datetime(at_timezone(from_unixtime(0), z), 'yyyy z') FROM (VALUES 'Europe/Paris') AS v(z)
SELECT t, count(*) FROM (VALUES TIMESTAMP '2024-01-01 12:00:00.000 UTC', TIMESTAMP '2024-01-01 21:00:00.000 Asia/Tokyo', TIMESTAMP '2024-01-01 07:00:00.000 America/New_York') AS v(t) GROUP BY t
SELECT to_unixtime(t), count(*) AS n FROM (SELECT at_timezone(from_unixtime(x), z) AS t FROM (VALUES (0, 'Asia/Tokyo'), (0, 'UTC'), (3600, 'Europe/Paris')) AS v(x, z)) GROUP BY t ORDER BY n
