//===- ColumnSelector.cpp - which CSV columns to load ---------------------===//

#include "ColumnSelector.h"
#include "Errors.h"

#include <charconv>
#include <cstring>

namespace dlrt {

namespace {

/// An item of the selector: a view into it, trimmed.
struct Item {
  const char *text;
  size_t length;
};

Item trim(const char *begin, const char *end) {
  while (begin < end && (*begin == ' ' || *begin == '\t'))
    ++begin;
  while (end > begin && (end[-1] == ' ' || end[-1] == '\t'))
    --end;
  return {begin, size_t(end - begin)};
}

/// Parses a whole item as a (possibly negative) integer.
bool parseInteger(Item item, int64_t *value) {
  if (item.length == 0)
    return false;
  std::from_chars_result result =
      std::from_chars(item.text, item.text + item.length, *value);
  return result.ec == std::errc() && result.ptr == item.text + item.length;
}

/// Whether a header cell holds exactly `item`.
bool cellEquals(const CsvCell &cell, Item item) {
  size_t i = 0, j = 0;
  for (; i < cell.length; ++i, ++j) {
    if (j == item.length || cell.text[i] != item.text[j])
      return false;
    if (cell.quoted && cell.text[i] == '"')
      ++i; // the second of a doubled quote
  }
  return j == item.length;
}

class Resolver {
public:
  Resolver(const char *selector, size_t numColumns, const CsvCell *header,
           const char *name, ColumnSelection &out)
      : selector(selector), numColumns(numColumns), header(header),
        name(name), out(out) {}

  dl_status resolve(Item item);

private:
  dl_status invalid(const char *format, Item item) const {
    Message message;
    message.append("%s: selector '%s': ", name, selector);
    message.append(format, int(item.length > 64 ? 64 : item.length),
                   item.text);
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
  }
  dl_status add(size_t column) {
    if (!out.columns.push(column))
      return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
    return DL_OK;
  }
  dl_status resolveSlice(Item item);
  dl_status resolveName(Item item);

  const char *selector;
  size_t numColumns;
  const CsvCell *header;
  const char *name;
  ColumnSelection &out;
};

dl_status Resolver::resolve(Item item) {
  if (item.length == 0)
    return invalid("an empty item%.*s", item);
  if (memchr(item.text, ':', item.length))
    return resolveSlice(item);
  int64_t index;
  if (!parseInteger(item, &index))
    return resolveName(item);
  int64_t columns = int64_t(numColumns);
  if (index < -columns || index >= columns) {
    Message message;
    message.append("%s: selector '%s': column %lld is out of range (the file "
                   "has %zu column%s)",
                   name, selector, static_cast<long long>(index), numColumns,
                   numColumns == 1 ? "" : "s");
    return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
  }
  return add(size_t(index < 0 ? index + columns : index));
}

/// start:stop[:step] as Python's slice.indices(numColumns) resolves it.
dl_status Resolver::resolveSlice(Item item) {
  Item parts[3];
  size_t numParts = 0;
  const char *begin = item.text, *end = item.text + item.length;
  for (const char *p = begin;; ++p) {
    if (p == end || *p == ':') {
      if (numParts == 3)
        return invalid("'%.*s' is not a slice (start:stop:step)", item);
      parts[numParts++] = trim(begin, p);
      if (p == end)
        break;
      begin = p + 1;
    }
  }
  int64_t values[3] = {0, 0, 1};
  bool given[3] = {false, false, false};
  for (size_t i = 0; i < numParts; ++i) {
    if (parts[i].length == 0)
      continue;
    if (!parseInteger(parts[i], &values[i]))
      return invalid("'%.*s' is not a slice (start:stop:step)", item);
    given[i] = true;
  }
  int64_t step = values[2];
  if (step == 0)
    return invalid("the step of slice '%.*s' cannot be 0", item);
  int64_t length = int64_t(numColumns);
  // CPython's PySlice_AdjustIndices.
  auto adjust = [&](int64_t value, bool isGiven, int64_t missing) {
    if (!isGiven)
      return missing;
    if (value < 0) {
      value += length;
      if (value < 0)
        value = step < 0 ? -1 : 0;
    } else if (value >= length) {
      value = step < 0 ? length - 1 : length;
    }
    return value;
  };
  int64_t start = adjust(values[0], given[0], step < 0 ? length - 1 : 0);
  int64_t stop = adjust(values[1], given[1], step < 0 ? -1 : length);
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
    if (dl_status status = add(size_t(i)))
      return status;
  return DL_OK;
}

dl_status Resolver::resolveName(Item item) {
  if (!header)
    return invalid("'%.*s' is not a column index, and the file has no "
                   "header row to name columns",
                   item);
  size_t found = numColumns;
  for (size_t i = 0; i < numColumns; ++i) {
    if (!cellEquals(header[i], item))
      continue;
    if (found != numColumns)
      return invalid("two columns are named '%.*s'", item);
    found = i;
  }
  if (found != numColumns)
    return add(found);
  Message message;
  message.append("%s: selector '%s': no column named '%.*s' (the header has ",
                 name, selector, int(item.length > 64 ? 64 : item.length),
                 item.text);
  for (size_t i = 0; i < numColumns; ++i) {
    char text[64];
    cellText(header[i], text, sizeof(text));
    message.append(i ? ", %s" : "%s", text);
  }
  message.append(")");
  return setError(DL_ERROR_INVALID_ARGUMENT, "%s", message.str());
}

} // namespace

dl_status selectColumns(const char *selector, size_t numColumns,
                        const CsvCell *header, const char *name,
                        ColumnSelection *out) {
  out->columns.clear();
  if (!selector || !*selector) {
    if (!out->columns.reserve(numColumns))
      return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
    for (size_t i = 0; i < numColumns; ++i)
      out->columns.push(i);
    out->single = false;
    return DL_OK;
  }
  Resolver resolver(selector, numColumns, header, name, *out);
  size_t items = 0;
  bool sliced = false;
  const char *begin = selector;
  for (const char *p = selector;; ++p) {
    if (*p != ',' && *p != '\0')
      continue;
    Item item = trim(begin, p);
    sliced = sliced || memchr(item.text, ':', item.length);
    if (dl_status status = resolver.resolve(item))
      return status;
    ++items;
    if (*p == '\0')
      break;
    begin = p + 1;
  }
  out->single = items == 1 && !sliced;
  if (out->columns.empty())
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "%s: selector '%s' selects no columns", name, selector);
  return DL_OK;
}

} // namespace dlrt
