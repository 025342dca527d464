-- Odoo 17's changes to the tables of postgresql.sql that the preset reads around
-- (addons/sale/models/sale_order.py of 17.0): the state `done` is gone, a confirmed order is
-- locked by the flag `locked` instead, and the date constraint names `sale` only; new stored
-- fields of the order.
ALTER TABLE sale_order ADD COLUMN locked boolean;
ALTER TABLE sale_order ADD COLUMN journal_id integer;
ALTER TABLE sale_order ADD COLUMN prepayment_percent double precision;
ALTER TABLE sale_order ADD COLUMN amount_to_invoice numeric;
ALTER TABLE sale_order DROP CONSTRAINT sale_order_date_order_conditional_required;
ALTER TABLE sale_order ADD CONSTRAINT sale_order_date_order_conditional_required
  CHECK ((state = 'sale' AND date_order IS NOT NULL) OR state <> 'sale');
