-- Indexes the back office's customer list walks for its sorts and filters (keyset paging).
CREATE INDEX customers_sort_name ON customers(
    coalesce(last_name, company_name, ''), coalesce(first_name, ''), id);
CREATE INDEX customers_sort_mobile ON customers(coalesce(mobile, ''), id);
CREATE INDEX customers_location_group ON customers(location_group_id);
