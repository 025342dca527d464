#include "enrichment_table.h"

#include <csv.h>

#include <fstream>

namespace custclass::plugin {

namespace {

// Collects the records of a CSV file through libcsv's callbacks.
struct CsvRecords {
    std::vector<std::vector<std::optional<std::string>>> records;
    std::vector<std::optional<std::string>> current;
    std::vector<std::size_t> lines;  // the line each record ends on
    std::size_t line = 1;

    static void field(void* data, std::size_t size, void* self) {
        auto* r = static_cast<CsvRecords*>(self);
        if (data)
            r->current.emplace_back(std::string(static_cast<const char*>(data), size));
        else
            r->current.emplace_back(std::nullopt);
    }
    static void record(int, void* self) {
        auto* r = static_cast<CsvRecords*>(self);
        r->records.push_back(std::move(r->current));
        r->lines.push_back(r->line);
        r->current.clear();
    }
};

EnrichmentTable from_csv(const config::EnrichmentDecl& decl) {
    std::ifstream file(decl.csv, std::ios::binary);
    if (!file)
        throw config::FileError("enrichment table `" + decl.id + "`: cannot read `" + decl.csv + "`");
    csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
        throw std::bad_alloc();
    struct Fini {
        csv_parser* p;
        ~Fini() { csv_free(p); }
    } fini{&parser};
    CsvRecords records;
    // Fed a line at a time so that every record knows the line it ends on.
    std::string line;
    while (std::getline(file, line)) {
        line += '\n';
        if (csv_parse(&parser, line.data(), line.size(), CsvRecords::field, CsvRecords::record,
                      &records) != line.size())
            throw adapters::DataError("enrichment table `" + decl.id + "`, file `" + decl.csv +
                                      "`, line " + std::to_string(records.line) + ": " +
                                      csv_strerror(csv_error(&parser)));
        ++records.line;
    }
    csv_fini(&parser, CsvRecords::field, CsvRecords::record, &records);
    if (records.records.empty())
        throw adapters::DataError("enrichment table `" + decl.id + "`, file `" + decl.csv +
                                  "`: the file is empty; it needs a header line");
    const auto& header = records.records[0];
    auto column_index = [&](const std::string& name) -> std::size_t {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] && *header[i] == name) return i;
        throw adapters::DataError("enrichment table `" + decl.id + "`, file `" + decl.csv +
                                  "`: the header has no column `" + name + "`");
    };
    const std::size_t key = column_index(decl.key_column);
    std::vector<std::size_t> at;
    EnrichmentTable table;
    for (const auto& c : decl.columns) {
        at.push_back(column_index(c.name));
        table.columns.push_back(c.name);
    }
    for (std::size_t r = 1; r < records.records.size(); ++r) {
        const auto& rec = records.records[r];
        const std::string where = "enrichment table `" + decl.id + "`, file `" + decl.csv +
                                  "`, line " + std::to_string(records.lines[r]);
        if (rec.size() != header.size())
            throw adapters::DataError(where + ": " + std::to_string(rec.size()) +
                                      " fields, the header has " + std::to_string(header.size()));
        if (!rec[key]) throw adapters::DataError(where + ": the key is empty");
        std::vector<std::optional<std::string>> values;
        for (std::size_t i : at) values.push_back(rec[i]);
        if (!table.rows.emplace(*rec[key], std::move(values)).second)
            throw adapters::DataError(where + ": the key `" + *rec[key] + "` appears twice");
    }
    return table;
}

}  // namespace

EnrichmentTable load_enrichment(const config::EnrichmentDecl& decl, adapters::Source& source) {
    if (!decl.csv.empty()) return from_csv(decl);
    EnrichmentTable table;
    std::vector<std::string> columns = {decl.key_column};
    for (const auto& c : decl.columns) {
        columns.push_back(c.name);
        table.columns.push_back(c.name);
    }
    source.read_enrichment(decl.id, decl.query, columns,
                           [&](const std::vector<std::optional<std::string>>& row) {
                               if (!row[0])
                                   throw adapters::DataError("enrichment table `" + decl.id +
                                                             "`: a row has no key");
                               std::vector<std::optional<std::string>> values(row.begin() + 1,
                                                                              row.end());
                               if (!table.rows.emplace(*row[0], std::move(values)).second)
                                   throw adapters::DataError("enrichment table `" + decl.id +
                                                             "`: the key `" + *row[0] +
                                                             "` appears twice");
                           });
    return table;
}

}  // namespace custclass::plugin
