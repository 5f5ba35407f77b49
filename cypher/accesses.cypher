// Access notifications for one owner agency with `at` in [$low, $high] (format_time strings).
MATCH (n:Access)
WHERE n.owner_agency = $owner_agency AND n.at >= $low AND n.at <= $high
RETURN n.body AS body
ORDER BY n.at, n.seq
