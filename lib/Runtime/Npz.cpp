//===- Npz.cpp - reading and writing .npz archives ------------------------===//
//
// An .npz is a zip archive whose members are .npy files named after the
// arrays ("w.npy" holds the array "w"), as numpy.savez and
// numpy.savez_compressed write them.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "File.h"
#include "Npy.h"
#include "Tensor.h"
#include "Zip.h"

#include <cstring>
#include <new>

using namespace dlrt;

struct dl_npz {
  struct Member {
    char *name;
    dl_tensor tensor;
  };
  MallocPtr<Member> members;
  size_t count = 0;

  ~dl_npz() {
    for (size_t i = 0; i < count; ++i) {
      free(members.get()[i].name);
      dl_tensor_free(&members.get()[i].tensor);
    }
  }
};

namespace {

constexpr char Suffix[] = ".npy";
constexpr size_t SuffixLength = 4;

/// Reads every member of the archive held in `bytes` into `npz`.
dl_status readMembers(const uint8_t *bytes, size_t size, const char *path,
                      dl_npz &npz) {
  MallocPtr<ZipMember> members;
  size_t count;
  if (dl_status status = listZipMembers(bytes, size, path, &members, &count))
    return status;
  npz.members = mallocArray<dl_npz::Member>(count);
  if (!npz.members)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  for (size_t i = 0; i < count; ++i) {
    const ZipMember &member = members.get()[i];
    Message where;
    where.append("%s: member '%.*s'", path,
                 member.nameLength > 200 ? 200 : int(member.nameLength),
                 member.name);
    ByteBuffer storage;
    const uint8_t *data;
    if (dl_status status =
            extractZipMember(bytes, member, where.str(), &storage, &data))
      return status;
    size_t nameLength = member.nameLength;
    if (nameLength > SuffixLength &&
        memcmp(member.name + nameLength - SuffixLength, Suffix, SuffixLength) ==
            0)
      nameLength -= SuffixLength;
    char *name = static_cast<char *>(malloc(nameLength + 1));
    if (!name)
      return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
    memcpy(name, member.name, nameLength);
    name[nameLength] = '\0';
    if (dl_npz_find(&npz, name)) {
      setError(DL_ERROR_FORMAT, "%s: two members named '%s'", path, name);
      free(name);
      return DL_ERROR_FORMAT;
    }
    dl_npz::Member &entry = npz.members.get()[npz.count];
    entry.name = name;
    if (dl_status status = readNpy(data, size_t(member.uncompressedSize),
                                   where.str(), &entry.tensor)) {
      free(name);
      return status;
    }
    ++npz.count;
  }
  return DL_OK;
}

} // namespace

extern "C" {

dl_status dl_npz_open(const char *path, dl_npz **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_npz_open: null result");
  *out = nullptr;
  ByteBuffer archive;
  if (dl_status status = readWholeFile(path, &archive))
    return status;
  dl_npz *npz = new (std::nothrow) dl_npz();
  if (!npz)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  if (dl_status status =
          readMembers(archive.data.get(), archive.size, path, *npz)) {
    dl_npz_close(npz);
    return status;
  }
  *out = npz;
  return DL_OK;
}

void dl_npz_close(dl_npz *npz) {
  if (!npz)
    return;
  delete npz;
}

size_t dl_npz_count(const dl_npz *npz) { return npz ? npz->count : 0; }

const char *dl_npz_name(const dl_npz *npz, size_t i) {
  return npz && i < npz->count ? npz->members.get()[i].name : nullptr;
}

const dl_tensor *dl_npz_get(const dl_npz *npz, size_t i) {
  return npz && i < npz->count ? &npz->members.get()[i].tensor : nullptr;
}

const dl_tensor *dl_npz_find(const dl_npz *npz, const char *name) {
  if (!npz || !name)
    return nullptr;
  for (size_t i = 0; i < npz->count; ++i)
    if (strcmp(npz->members.get()[i].name, name) == 0)
      return &npz->members.get()[i].tensor;
  return nullptr;
}

dl_status dl_npz_write(const char *path, size_t count, const char *const *names,
                       const dl_tensor *const *tensors) {
  if (count && (!names || !tensors))
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_npz_write: null arrays");
  for (size_t i = 0; i < count; ++i) {
    Message what;
    what.append("dl_npz_write: array %zu", i);
    if (!names[i] || !names[i][0] || strlen(names[i]) > 0xffff - SuffixLength)
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s has an invalid name",
                      what.str());
    if (dl_status status = checkTensor(tensors[i], what.str()))
      return status;
    if (!tensors[i]->data &&
        checkedNumel(tensors[i]->rank, tensors[i]->shape) > 0)
      return setError(DL_ERROR_INVALID_ARGUMENT, "%s has null data",
                      what.str());
    for (size_t j = 0; j < i; ++j)
      if (strcmp(names[i], names[j]) == 0)
        return setError(DL_ERROR_INVALID_ARGUMENT,
                        "dl_npz_write: two arrays named '%s'", names[i]);
  }
  OutputFile file;
  if (dl_status status = file.open(path))
    return status;
  ZipWriter zip(file);
  if (dl_status status = zip.reserve(count))
    return status;
  // The writer keeps the member names until finish().
  MallocPtr<char *> memberNames = mallocArray<char *>(count);
  if (!memberNames)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  size_t named = 0;
  dl_status status = DL_OK;
  for (size_t i = 0; i < count && !status; ++i) {
    size_t length = strlen(names[i]);
    char *memberName = static_cast<char *>(malloc(length + SuffixLength + 1));
    if (!memberName) {
      status = setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
      break;
    }
    memcpy(memberName, names[i], length);
    memcpy(memberName + length, Suffix, SuffixLength + 1);
    memberNames.get()[named++] = memberName;
    const dl_tensor &t = *tensors[i];
    char header[NpyMaxWrittenHeader];
    ZipWriter::Piece pieces[2] = {
        {header, formatNpyHeader(t.dtype, t.rank, t.shape, header)},
        {nullptr, 0}};
    BlockPtr copy;
    status = rowMajorBytes(t, &pieces[1].data, &pieces[1].size, copy);
    if (!status)
      status = zip.addMember(memberName, pieces, 2);
  }
  if (!status)
    status = zip.finish();
  if (!status)
    status = file.commit();
  for (size_t i = 0; i < named; ++i)
    free(memberNames.get()[i]);
  return status;
}

} // extern "C"
