"""Fills a Tryton 6.0 database through Tryton's own API (proteus), the way Tryton's sale scenario
sets up a company, and writes down what it created as JSON, for tryton_test.cpp to work out the
features it expects. Run by tryton_database.sh; usage:

    python3 fill.py TRYTOND_CONF DATABASE RECORD_JSON [--without-phonenumbers]

Every sale uses manual invoicing and shipping but one (invoiced on order: it stays processing),
so that the states do not depend on accounting. No taxes: a sale's total is the sum of its
lines' quantity x unit price, computed here and checked against Tryton's.

Phones are typed as a Hong Kong user types them (mostly national, `9123 4567`), on parties whose
addresses are in Hong Kong. With python3-phonenumbers (which Debian recommends with Tryton's
party module) Tryton validates them against the address's country and stores them in
international format (`+852 9123 4567`); without it, or with --without-phonenumbers (which hides
the package from Tryton, as on a site that does not have it), it stores what was typed. The
record says which, and holds each phone as typed and as Tryton stored it (read back).
"""
import datetime
import json
import os
import sys
from decimal import Decimal

conf, database, out = sys.argv[1:4]
if "--without-phonenumbers" in sys.argv[4:]:
    # Python raises ImportError for a module whose sys.modules entry is None: Tryton's party
    # module then runs as it does without the package.
    sys.modules["phonenumbers"] = None
# Tryton's test helpers read the database and the configuration from the environment.
os.environ["DB_NAME"] = database
os.environ["TRYTOND_CONFIG"] = conf

from proteus import Model, config as proteus_config
from trytond.modules.account.tests.tools import create_chart, create_fiscalyear, get_accounts
from trytond.modules.account_invoice.tests.tools import (
    create_payment_term, set_fiscalyear_invoice_sequences)
from trytond.modules.company.tests.tools import create_company, get_company

from trytond.modules.party import contact_mechanism as tryton_contact_mechanism

config = proteus_config.set_trytond(database=database, config_file=conf)

# The run is as of today in Hong Kong; sales are dated relative to it.
as_of = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
record = {"as_of": as_of.isoformat(),
          "phonenumbers": tryton_contact_mechanism.phonenumbers is not None,
          "company_parties": [], "parties": [], "sales": [],
          "subscriptions": [], "relations": [], "opportunities": []}

Party = Model.get("party.party")
company_party = Party(name="Harbour Retail Ltd")
company_party.save()
create_company(party=company_party)
company = get_company()
record["company_parties"].append(company_party.code)

fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear(company, today=as_of))
fiscalyear.click("create_period")
create_chart(company)
accounts = get_accounts(company)
payment_term = create_payment_term()
payment_term.save()

ProductCategory = Model.get("product.category")
account_category = ProductCategory(name="Account Category", accounting=True)
account_category.account_expense = accounts["expense"]
account_category.account_revenue = accounts["revenue"]
account_category.save()
categories = {}
for name in ["Seafood", "Gifts", "Tea"]:
    categories[name] = ProductCategory(name=name)
    categories[name].save()

ProductUom = Model.get("product.uom")
unit, = ProductUom.find([("name", "=", "Unit")])
ProductTemplate = Model.get("product.template")
products = {}
for name, price, cats in [("Dried Scallops", "100", ["Seafood", "Gifts"]),
                          ("Oolong Tea", "40", ["Tea"]),
                          ("Gift Wrapping", "15", [])]:
    template = ProductTemplate(name=name, default_uom=unit, type="goods", salable=True,
                               list_price=Decimal(price), account_category=account_category)
    for c in cats:
        template.categories.append(ProductCategory(categories[c].id))
    template.save()
    product, = template.products
    products[name] = (product, cats)

# Hong Kong as trytond_import_countries creates it: Tryton parses a phone typed without a country
# code in the country of the party's addresses (and rejects it when no address has one).
Country = Model.get("country.country")
hong_kong = Country(name="Hong Kong", code="HK", code3="HKG", code_numeric="344")
hong_kong.save()

Category = Model.get("party.category")
party_categories = {}
for name in ["VIP", "Seafood Lover", "Tea Club", "Yoga"]:
    party_categories[name] = Category(name=name)
    party_categories[name].save()


ContactMechanism = Model.get("party.contact_mechanism")


def party(name, addresses=(), emails=(), phones=(), tags=(), active=True):
    """A party; `addresses` as (city, sequence), in Hong Kong, the first one filling the default
    address; `phones` as (type, value as typed, sequence)."""
    p = Party(name=name)
    for i, (city, sequence) in enumerate(addresses):
        address = p.addresses[0] if i == 0 and p.addresses else p.addresses.new()
        address.city = city
        address.country = hong_kong
        address.sequence = sequence
    for e in emails:
        p.contact_mechanisms.new(type="email", value=e)
    for kind, value, sequence in phones:
        p.contact_mechanisms.new(type=kind, value=value, sequence=sequence)
    for t in tags:
        p.categories.append(Category(party_categories[t].id))
    p.save()
    if not active:
        p.active = False
        p.save()
    # What Tryton stored, in the order the phones were created (ids follow the list).
    stored = ContactMechanism.find([("party", "=", p.id), ("type", "in", ["phone", "mobile"])],
                                   order=[("id", "ASC")])
    assert len(stored) == len(phones), (stored, phones)
    record["parties"].append({
        "code": p.code, "name": name, "active": active,
        "addresses": [{"city": city, "sequence": sequence} for city, sequence in addresses],
        "emails": list(emails),
        "phones": [{"type": kind, "typed": value, "value": m.value, "compact": m.value_compact,
                    "sequence": sequence}
                   for (kind, value, sequence), m in zip(phones, stored)],
        "tags": list(tags)})
    return p


Sale = Model.get("sale.sale")


def sale(customer, days_ago, lines, state, invoice_on_order=False):
    """A sale of `lines` (product name, quantity, unit price) taken to `state`."""
    s = Sale(party=customer, payment_term=payment_term,
             sale_date=as_of - datetime.timedelta(days=days_ago))
    s.invoice_method = "order" if invoice_on_order else "manual"
    s.shipment_method = "manual"
    total = Decimal(0)
    for name, quantity, price in lines:
        line = s.lines.new()
        line.product = products[name][0]
        line.quantity = quantity
        line.unit_price = Decimal(price)
        total += Decimal(str(quantity)) * Decimal(price)
    s.save()
    if state != "draft":
        s.click("quote")
    if state in ("confirmed", "processing", "done"):
        s.click("confirm")
    if state in ("processing", "done"):
        s.click("process")
    if state == "cancelled":
        s.click("cancel")
    s.reload()
    assert s.state == state, (s.state, state)
    assert s.total_amount == total, (s.total_amount, total)
    record["sales"].append({
        "id": s.id, "party": customer.code, "state": s.state,
        "sale_date": s.sale_date.isoformat(), "total": str(total),
        "lines": [{"product": products[n][0].id, "categories": products[n][1],
                   "quantity": q, "amount": str(Decimal(str(q)) * Decimal(p))}
                  for n, q, p in lines]})
    return s


# Parties. The employee party of the scenario is a customer like any other party. Phones typed
# national, with the country code, and as printed on a card ("(+852) 9876-5432").
chan = party("Chan Tai Man", addresses=[("Sha Tin", 2), ("Wan Chai", 1)],
             emails=["Chan.TM@Example.com"], phones=[("phone", "+852 2345 6789", None)],
             tags=["VIP", "Seafood Lover"])
lee = party("Lee Siu Ming", addresses=[("Kowloon City", None)], emails=["Lee.SM@Example.com"],
            phones=[("mobile", "9123 4567", None)], tags=["Tea Club"])
wong = party("Wong Mei", addresses=[("Tai Po", None), ("Yuen Long", None)],
             emails=["wong.mei@example.com"], phones=[("mobile", "(+852) 9876-5432", None)])
gone = party("Closed Account", addresses=[("Central and Western", None)], active=False)
ho = party("Ho Ka Yan", addresses=[("Sai Kung", 5)], emails=["ho@example.com"])
cheung = party("Cheung Wing", addresses=[("Islands", None)], emails=["cheung@example.com"],
               phones=[("phone", "2811 1111", 20), ("mobile", "6123 4567", 10)])  # mobile first
yip = party("Yip Bo", addresses=[("Sham Shui Po", None)])
employee = party("Store Employee")

# Sales in every state, with returns (negative quantities), before and in the window.
sale(chan, 10, [("Dried Scallops", 2, "100"), ("Oolong Tea", 1, "40")], "confirmed")
sale(chan, 100, [("Oolong Tea", 3, "40"), ("Gift Wrapping", 1, "15")], "done")
sale(chan, 20, [("Oolong Tea", -1, "40")], "done")                    # a return
sale(chan, 5, [("Dried Scallops", 10, "100")], "cancelled")
sale(chan, 3, [("Dried Scallops", 1, "100")], "draft")
sale(chan, 2, [("Oolong Tea", 2, "40")], "quotation")
sale(chan, 500, [("Oolong Tea", 1, "40")], "done")                    # before the window
sale(lee, 200, [("Oolong Tea", 5, "40")], "processing", invoice_on_order=True)
sale(lee, 30, [("Dried Scallops", 1, "100"), ("Oolong Tea", -1, "40")], "done")  # partly returned
sale(wong, 400, [("Dried Scallops", 1, "100")], "done")
sale(gone, 15, [("Dried Scallops", 3, "100")], "done")                # an inactive party
sale(cheung, 60, [("Gift Wrapping", 2, "15")], "done")
sale(yip, 45, [("Oolong Tea", 2, "40")], "quotation")                 # not a purchase
sale(company_party, 12, [("Oolong Tea", 1, "40")], "done")            # the company's own

# For the potential-customer lists of the shipped rule set hk-retail (tryton_test.cpp,
# TrytonPotential*), parties created after the others (the codes above stay as they were): Lam
# buys often, recently and most (a `champions` customer of hk-retail's `value`, the look-alike
# target, subscribed to the newsletter below); Tsang, referred by Lee (below), made a first
# purchase on as_of, the day of the referral (a successful referral: both earn a reward); Ng, a
# prospect (no sale) subscribed to the newsletter, lives in Lam's district and, like Tsang, has
# the interest of a campaign keyword of hk-retail (yoga).
lam = party("Lam Chi Wai", addresses=[("Sai Kung", None)], emails=["lam.cw@example.com"],
            tags=["Seafood Lover"])
tsang = party("Tsang Ka Wai", addresses=[("Tuen Mun", None)], tags=["Yoga"])
ng = party("Ng Hoi Yan", addresses=[("Sai Kung", None)], emails=["ng.hy@example.com"],
           tags=["Yoga"])
sale(lam, 5, [("Dried Scallops", 2, "100")], "done")
sale(lam, 15, [("Dried Scallops", 2, "100")], "done")
sale(lam, 25, [("Dried Scallops", 2, "100"), ("Gift Wrapping", 2, "15")], "done")
sale(lam, 35, [("Dried Scallops", 2, "100")], "done")
sale(tsang, 0, [("Oolong Tea", 1, "40")], "confirmed")               # on as_of

# Mailing lists: Lee subscribed (his contact's address is written in another case), Wong
# unsubscribed, Ho subscribed to another list, and an address of no party; Lam and Ng
# subscribed.
MailingList = Model.get("marketing.email.list")
Email = Model.get("marketing.email")
newsletter = MailingList(name="Newsletter")
newsletter.save()
offers = MailingList(name="Offers")
offers.save()
for email, lst, active in [("lee.sm@example.com", newsletter, True),
                           ("wong.mei@example.com", newsletter, False),
                           ("ho@example.com", offers, True),
                           ("stranger@example.com", newsletter, True),
                           ("lam.cw@example.com", newsletter, True),
                           ("ng.hy@example.com", newsletter, True)]:
    e = Email(email=email, list_=lst)
    e.save()
    if not active:
        e.active = False
        e.save()
    record["subscriptions"].append({"email": email, "list": lst.name, "active": active})

# Referrals: "Referred by" (and its reverse "Referrer of") and a relation of another type.
RelationType = Model.get("party.relation.type")
referred_by = RelationType(name="Referred by")
referred_by.save()
referrer_of = RelationType(name="Referrer of", reverse=referred_by)
referrer_of.save()
referred_by.reverse = referrer_of
referred_by.save()
colleague = RelationType(name="Colleague")
colleague.save()
Party_ = Model.get("party.party")
for source, kind, target in [(lee, referred_by, chan),      # Lee was referred by Chan
                             (chan, referrer_of, cheung),   # Chan referred Cheung
                             (ho, referred_by, chan),       # Ho was referred by Chan
                             (yip, colleague, chan),
                             (tsang, referred_by, lee)]:    # Tsang was referred by Lee
    p = Party_(source.id)
    relation = p.relations.new()
    relation.type = kind
    relation.to = Party_(target.id)
    p.save()
    record["relations"].append({"from": source.code, "type": kind.name, "to": target.code})

# Opportunities, followed by the store's employee: Wong is a lead, Ho an opportunity, Yip lost,
# and a lead of no party yet (Tryton allows it for a lead): no customer.
Employee = Model.get("company.employee")
seller = Employee(party=employee)
seller.save()
Opportunity = Model.get("sale.opportunity")
for who, state in [(wong, "lead"), (ho, "opportunity"), (yip, "lost"), (None, "lead")]:
    o = Opportunity(party=who, description="Corporate gifts", start_date=as_of, employee=seller)
    o.save()
    if state in ("opportunity", "lost"):
        o.click("opportunity")
    if state == "lost":
        o.click("lost")
    o.reload()
    assert o.state == state, (o.state, state)
    record["opportunities"].append({"party": who.code if who else None, "state": state})

# The test expects every party created on `as_of` (signup_days 0), and every relation (a
# referral is dated by its creation: Tsang's first purchase is on the day Lee referred him).
if (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date() != as_of:
    sys.exit("fill.py ran across midnight in Hong Kong: run it again")
with open(out, "w", encoding="utf-8") as f:
    json.dump(record, f, indent=1)
