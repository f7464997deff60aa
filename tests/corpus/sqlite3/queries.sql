SELECT count(*), sum(sq), max(i) FROM n;
SELECT parity, count(*), avg(sq) FROM n GROUP BY parity ORDER BY parity;
SELECT * FROM word_stats ORDER BY len;
SELECT i, sq FROM n WHERE sq BETWEEN 1000 AND 1300 ORDER BY i;
SELECT w, upper(w), substr(w, 2, 3), length(w), hex(w) FROM word ORDER BY len DESC, w LIMIT 4;
SELECT printf('%08.3f|%-6s|%+d|%x', 3.14159, 'ab', 42, 255);
SELECT date('2024-02-28', '+1 day'), strftime('%j %W', '2024-12-31'), julianday('2000-01-01');
SELECT json_object('a', 1, 'b', json_array(1, 2, 3)), json_extract('{"x":{"y":[5,6]}}', '$.x.y[1]');
WITH RECURSIVE f(a, b, k) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, k + 1 FROM f WHERE k < 60)
SELECT k, a FROM f WHERE k % 10 = 0;
.mode column
SELECT w, len, rank() OVER (ORDER BY len DESC) AS r FROM word ORDER BY r, w;
.mode csv
SELECT i, sq, parity FROM n WHERE i % 4999 = 0;
SELECT no_such_column FROM n;
SELECT 'after the error';
